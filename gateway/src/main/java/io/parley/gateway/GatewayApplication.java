package io.parley.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The one public HTTP entry of Parley. It only routes (the table is in application.yml), applies
 * CORS, and turns an unreachable service into a problem detail; it holds no business logic.
 * WebSockets do not pass through here: clients connect straight to the chat node that
 * {@code GET /api/discovery/chat-server} names.
 */
@SpringBootApplication
public class GatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }
}
