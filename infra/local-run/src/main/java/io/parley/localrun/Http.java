package io.parley.localrun;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Tiny HTTP GET for readiness checks: the status and body, or empty when nothing answered. */
final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private Http() {
    }

    record Response(int status, String body) {
    }

    static Optional<Response> get(String url) {
        return get(url, null);
    }

    /** With an {@code Authorization} header (null: none). */
    static Optional<Response> get(String url, String authorization) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET();
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return Optional.of(new Response(response.statusCode(), response.body()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Spring Boot's health endpoint says UP. */
    static boolean isUp(String baseUrl) {
        return get(baseUrl + "/actuator/health")
                .filter(r -> r.status() == 200 && r.body().contains("\"UP\""))
                .isPresent();
    }

    static boolean isOk(String url) {
        return get(url).filter(r -> r.status() == 200).isPresent();
    }
}
