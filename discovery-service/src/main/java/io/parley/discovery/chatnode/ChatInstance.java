package io.parley.discovery.chatnode;

/**
 * A chat-service instance that Eureka currently lists as UP.
 *
 * @param instanceId    Eureka's instance id (stable for the life of the process)
 * @param baseUrl       where its HTTP endpoints live, without a trailing slash
 * @param metadataWsUrl the {@code ws-url} the node put in its Eureka metadata, or {@code null};
 *                      used only if the node's own report leaves {@code wsUrl} out
 */
record ChatInstance(String instanceId, String baseUrl, String metadataWsUrl) {
}
