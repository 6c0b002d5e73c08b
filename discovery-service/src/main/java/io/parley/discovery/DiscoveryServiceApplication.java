package io.parley.discovery;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The registry every Parley service registers with (Eureka), and the place clients ask which
 * chat node to open their WebSocket to ({@code GET /api/discovery/chat-server}).
 */
@SpringBootApplication
@EnableEurekaServer
@EnableScheduling
@ConfigurationPropertiesScan
public class DiscoveryServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(DiscoveryServiceApplication.class, args);
    }
}
