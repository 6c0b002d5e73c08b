package io.parley.chat.session;

import io.parley.chat.config.ChatSettings;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.jetty.JettyRequestUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/** The raw WebSocket endpoint {@code /ws/v1} (protocol v1; no STOMP, no SockJS). */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class WebSocketEndpointConfig implements WebSocketConfigurer {

    static final String PATH = "/ws/v1";

    private final ChatWebSocketHandler handler;
    private final SessionRegistry registry;
    private final ChatSettings settings;

    WebSocketEndpointConfig(ChatWebSocketHandler handler, SessionRegistry registry, ChatSettings settings) {
        this.handler = handler;
        this.registry = registry;
        this.settings = settings;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry handlers) {
        handlers.addHandler(handler, PATH)
                .setHandshakeHandler(new DefaultHandshakeHandler(jettyUpgrade(settings)))
                .addInterceptors(new RefuseWhileDraining(registry))
                // The credential is a bearer token, never a cookie, so another origin's page cannot
                // ride on a user's browser session: any origin may connect (web clients live elsewhere).
                .setAllowedOriginPatterns("*");
    }

    /**
     * Jetty's WebSocket, not Tomcat's: Tomcat allocates a text buffer of the largest accepted
     * message for every session when it opens (128 KB here), where Jetty reads into pooled buffers
     * that an idle connection gives back. A message of up to 4x the frame limit reaches the handler
     * and gets a {@code frame_too_large} error on a connection that stays usable; only grossly
     * oversized ones make Jetty close the connection (1009). Jetty's own idle timeout is only a
     * backstop behind the protocol's (the handler closes a silent session with 1001 first): it
     * also bounds a write that a client stopped reading.
     */
    private static JettyRequestUpgradeStrategy jettyUpgrade(ChatSettings settings) {
        JettyRequestUpgradeStrategy upgrade = new JettyRequestUpgradeStrategy();
        upgrade.addWebSocketConfigurer(socket -> {
            socket.setMaxTextMessageSize(settings.maxFrameBytes() * 4L);
            socket.setMaxBinaryMessageSize(1024);
            socket.setIdleTimeout(settings.idleTimeout().multipliedBy(2));
        });
        return upgrade;
    }

    /** Shared threads for sessions' blocking work; each session uses at most one at a time. */
    @Bean(destroyMethod = "shutdown")
    static ExecutorService sessionWorkers(ChatSettings settings) {
        return new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new CustomizableThreadFactory("session-worker-"));
    }

    /** A draining node sends new clients away before the upgrade: 503, ask discovery again. */
    private record RefuseWhileDraining(SessionRegistry registry) implements HandshakeInterceptor {

        @Override
        public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
                                       WebSocketHandler wsHandler, Map<String, Object> attributes) {
            if (registry.draining()) {
                response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
                return false;
            }
            return true;
        }

        @Override
        public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response,
                                   WebSocketHandler wsHandler, Exception exception) {
        }
    }
}
