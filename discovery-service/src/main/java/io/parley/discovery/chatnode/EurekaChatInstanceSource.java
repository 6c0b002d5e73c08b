package io.parley.discovery.chatnode;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.netflix.appinfo.InstanceInfo;
import com.netflix.appinfo.InstanceInfo.InstanceStatus;
import com.netflix.discovery.shared.Application;
import com.netflix.eureka.registry.PeerAwareInstanceRegistry;

import org.springframework.stereotype.Component;

/**
 * Reads chat-service instances straight from this process's own Eureka registry.
 *
 * <p>This server neither registers with nor fetches from itself, so there is no Eureka client view
 * to ask. The {@link PeerAwareInstanceRegistry} bean is the registry the REST endpoints write to;
 * reading it directly also bypasses the response cache, so a node that registers is polled on the
 * next cycle rather than after the cache refresh.
 */
@Component
class EurekaChatInstanceSource implements ChatInstanceSource {

    static final String WS_URL_METADATA_KEY = "ws-url";

    private final PeerAwareInstanceRegistry registry;
    private final String appName;

    EurekaChatInstanceSource(PeerAwareInstanceRegistry registry, ChatNodeProperties properties) {
        this.registry = registry;
        // Eureka stores application names upper-cased.
        this.appName = properties.appName().toUpperCase(Locale.ROOT);
    }

    @Override
    public List<ChatInstance> upInstances() {
        Application application = registry.getApplication(appName);
        if (application == null) {
            return List.of();
        }
        return application.getInstancesAsIsFromEureka().stream()
                .filter(instance -> instance.getStatus() == InstanceStatus.UP)
                .map(EurekaChatInstanceSource::toChatInstance)
                .toList();
    }

    private static ChatInstance toChatInstance(InstanceInfo instance) {
        Map<String, String> metadata = instance.getMetadata();
        String wsUrl = metadata == null ? null : metadata.get(WS_URL_METADATA_KEY);
        return new ChatInstance(instance.getInstanceId(), baseUrl(instance), wsUrl);
    }

    /** The home page URL a Spring Cloud client registers ({@code http://host:port/}), else host and port. */
    static String baseUrl(InstanceInfo instance) {
        String home = instance.getHomePageUrl();
        if (home == null || home.isBlank()) {
            home = "http://" + instance.getHostName() + ":" + instance.getPort();
        }
        return home.endsWith("/") ? home.substring(0, home.length() - 1) : home;
    }
}
