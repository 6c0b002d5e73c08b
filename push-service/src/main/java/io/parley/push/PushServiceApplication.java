package io.parley.push;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * push-service: device tokens and mutes over REST, and notifications to offline recipients
 * through Firebase Cloud Messaging (or a log-only sink when no credentials are configured).
 */
@SpringBootApplication
public class PushServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(PushServiceApplication.class, args);
    }
}
