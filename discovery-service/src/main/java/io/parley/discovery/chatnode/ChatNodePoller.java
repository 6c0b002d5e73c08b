package io.parley.discovery.chatnode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.parley.common.registry.RegistryCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Asks every UP chat-service instance for its load ({@code GET /internal/node}) and publishes the
 * answers to the {@link ChatNodeDirectory}. All nodes are polled in parallel, so one slow node
 * delays a cycle by at most the poll timeout, never by the sum over nodes.
 *
 * <p>Eureka alone is not enough to route clients: its view lags by a heartbeat interval (30 s by
 * default) and it cannot tell how loaded a node is or that it began draining a moment ago.
 */
@Component
class ChatNodePoller implements SchedulingConfigurer {

    static final String NODE_PATH = "/internal/node";
    private static final Logger log = LoggerFactory.getLogger(ChatNodePoller.class);

    private final ChatInstanceSource source;
    private final ChatNodeDirectory directory;
    private final JsonMapper jsonMapper;
    private final ChatNodeProperties properties;
    private final Clock clock;
    private final HttpClient http;
    private final String authorization;

    ChatNodePoller(ChatInstanceSource source, ChatNodeDirectory directory, JsonMapper jsonMapper,
                   ChatNodeProperties properties, Clock clock, RegistryCredentials credentials) {
        this.authorization = credentials.basicAuthorization();
        this.source = source;
        this.directory = directory;
        this.jsonMapper = jsonMapper;
        this.properties = properties;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.pollTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        // Fixed delay, not rate: a cycle slowed by timeouts never overlaps the next one.
        registrar.addFixedDelayTask(this::pollOnce, properties.pollInterval());
    }

    /** One poll cycle; returns when every node has answered, failed or timed out. */
    void pollOnce() {
        List<ChatInstance> instances = source.upInstances();
        Map<String, CompletableFuture<ChatNode>> polls = new LinkedHashMap<>();
        for (ChatInstance instance : instances) {
            polls.put(instance.instanceId(), poll(instance));
        }
        Map<String, ChatNode> next = new LinkedHashMap<>();
        polls.forEach((instanceId, poll) -> next.put(instanceId, poll.join()));
        directory.nodes().stream()
                .filter(gone -> !next.containsKey(gone.instanceId()))
                .forEach(gone -> log.info("Chat node {} ({}) is no longer UP in the registry", gone.nodeId(), gone.instanceId()));
        directory.replaceAll(next);
    }

    private CompletableFuture<ChatNode> poll(ChatInstance instance) {
        ChatNode previous = directory.get(instance.instanceId());
        CompletableFuture<NodeReport> report;
        try {
            // /internal/node is on the service plane: the node wants the registry credentials. Only
            // registered instances are polled, and only Parley's services can register.
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(instance.baseUrl() + NODE_PATH))
                    .timeout(properties.pollTimeout())
                    .header("Accept", "application/json")
                    .GET();
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            report = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
                    .thenApply(this::parse)
                    // The request timeout covers the headers only; this bounds a body that trickles.
                    .orTimeout(properties.pollTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (IllegalArgumentException badUrl) {
            report = CompletableFuture.failedFuture(badUrl);
        }
        return report
                .thenApply(answer -> answered(instance, answer, previous))
                .exceptionally(failure -> failed(instance, previous, failure));
    }

    private NodeReport parse(HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode() + " from " + response.uri());
        }
        return jsonMapper.readValue(response.body(), NodeReport.class);
    }

    private ChatNode answered(ChatInstance instance, NodeReport report, ChatNode previous) {
        String problem = report.problem(properties.maxConnections());
        if (problem != null) {
            if (previous == null || previous.reachable()) {
                log.warn("Chat node {} at {} sent a report that cannot be right ({}); no clients go there until it is",
                        instance.instanceId(), instance.baseUrl(), problem);
            }
            return ChatNode.failed(instance, previous);
        }
        ChatNode node = ChatNode.answered(instance, report, clock.instant());
        if (previous == null || !previous.reachable()) {
            log.info("Chat node {} ({}) answers at {}: {} connections, draining={}",
                    node.nodeId(), instance.instanceId(), instance.baseUrl(), node.connections(), node.draining());
        } else if (node.draining() && !previous.draining()) {
            log.info("Chat node {} ({}) is draining; no new clients go there", node.nodeId(), instance.instanceId());
        }
        return node;
    }

    private ChatNode failed(ChatInstance instance, ChatNode previous, Throwable failure) {
        // Warn on the transition only: a dead node would otherwise log every poll interval.
        if (previous == null || previous.reachable()) {
            log.warn("Chat node {} at {} did not answer {}: {}; no clients go there until it does",
                    instance.instanceId(), instance.baseUrl(), NODE_PATH, rootMessage(failure));
        }
        return ChatNode.failed(instance, previous);
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage());
    }
}
