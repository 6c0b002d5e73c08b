package io.parley.push.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local stand-in for {@code fcm.googleapis.com}: answers FCM HTTP v1 {@code messages:send}
 * requests and records every one. By default it accepts each message; {@link #answerNext} scripts
 * failures for one token (404 UNREGISTERED, 503, 429 with Retry-After, ...). One per test JVM,
 * shared by every Spring context (tests use their own tokens, so they never see each other's requests).
 */
public final class FakeFcm {

    /**
     * One recorded request: the token it was for, the {@code message} object, what was answered,
     * and when it arrived (epoch milliseconds of this JVM's clock).
     */
    public record Request(String token, JsonNode message, String authorization, int status, long receivedAtMillis) {
    }

    private record Answer(int status, String body, String retryAfter) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static volatile FakeFcm shared;

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Answer>> scripted = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    /** Non-null while stalled: requests wait on it, unrecorded and unanswered. */
    private volatile CountDownLatch stall;
    /** While stalled: which requests' recipient this is, so a recipient's requests stall all or none. */
    private volatile Function<String, Object> recipientOfToken;
    private final AtomicInteger stalled = new AtomicInteger();

    private FakeFcm() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        // One thread per request in flight, so a stalled request never queues another behind it.
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-fcm");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public static synchronized FakeFcm shared() {
        if (shared == null) {
            try {
                shared = new FakeFcm();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return shared;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Every request made for the token, in order, whatever was answered. */
    public List<Request> requestsFor(String token) {
        return requests.stream().filter(r -> token.equals(r.token())).toList();
    }

    /** The requests for the token that were accepted (answered 200): what reached the device. */
    public List<Request> deliveredTo(String token) {
        return requestsFor(token).stream().filter(r -> r.status() == 200).toList();
    }

    /** Every request, in arrival order. */
    public List<Request> all() {
        return List.copyOf(requests);
    }

    /**
     * From now on, requests are neither recorded nor answered: they wait, as at an FCM that has not
     * processed them yet, and {@link #dropStalled} ends it. Only recipients none of whose requests
     * was answered yet are stalled; the others' requests still go through, so a {@code sendEach}
     * for one recipient's devices is never half answered and half stalled. For a test that kills
     * its client meanwhile.
     *
     * @param recipientOfToken the recipient (any key) a token belongs to
     */
    public synchronized void stall(Function<String, Object> recipientOfToken) {
        if (stall == null) {
            this.recipientOfToken = recipientOfToken;
            stall = new CountDownLatch(1);
        }
    }

    /** Requests waiting in a stall right now. */
    public int stalledRequests() {
        return stalled.get();
    }

    /**
     * Ends a stall: the requests that waited in it are dropped unrecorded, as if FCM never received
     * them (their client is gone); later requests are handled normally.
     *
     * @return how many requests were waiting in the stall (all dropped)
     */
    public synchronized int dropStalled() {
        CountDownLatch current = stall;
        stall = null;
        int waiting = stalled.get();
        if (current != null) {
            current.countDown();
        }
        return waiting;
    }

    public void answerNext(String token, int status, String fcmErrorCode, String retryAfter) {
        String grpcStatus = switch (status) {
            case 404 -> "NOT_FOUND";
            case 400 -> "INVALID_ARGUMENT";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            default -> "INTERNAL";
        };
        String details = fcmErrorCode == null ? "" : ",\"details\":[{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"" + fcmErrorCode + "\"}]";
        String body = "{\"error\":{\"code\":" + status + ",\"message\":\"scripted " + status + "\",\"status\":\"" + grpcStatus + "\"" + details + "}}";
        scripted.computeIfAbsent(token, t -> new ArrayDeque<>()).add(new Answer(status, body, retryAfter));
    }

    /** What to do with one request: wait on {@code stall}, or give {@code answer}. */
    private record Decision(CountDownLatch stall, Answer answer) {
    }

    /**
     * Under one lock, so a stall's view of "answered" is consistent: either the request is recorded
     * (and its answer chosen), or it stalls and the latch to wait on is returned.
     */
    private synchronized Decision stallOrRecord(String token, JsonNode message, HttpExchange exchange) {
        CountDownLatch current = stall;
        if (current != null) {
            Object recipient = recipientOfToken.apply(token);
            boolean started = requests.stream().anyMatch(r -> recipient.equals(recipientOfToken.apply(r.token())));
            if (!started) {
                return new Decision(current, null);
            }
        }
        Deque<Answer> queue = scripted.get(token);
        Answer answer = queue == null ? null : queue.poll();
        if (answer == null) {
            String project = exchange.getRequestURI().getPath().split("/")[3];
            answer = new Answer(200, "{\"name\":\"projects/" + project + "/messages/0:" + ids.incrementAndGet() + "\"}", null);
        }
        requests.add(new Request(token, message, exchange.getRequestHeaders().getFirst("Authorization"), answer.status(),
                System.currentTimeMillis()));
        return new Decision(null, answer);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw;
            try (InputStream in = exchange.getRequestBody()) {
                raw = in.readAllBytes();
            }
            JsonNode message = JSON.readTree(raw).path("message");
            String token = message.path("token").asString();
            Decision decision = stallOrRecord(token, message, exchange);
            CountDownLatch waiting = decision.stall();
            if (waiting != null) {
                stalled.incrementAndGet();
                try {
                    waiting.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    stalled.decrementAndGet();
                }
                return; // closing the exchange unanswered
            }
            Answer answer = decision.answer();
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
            if (answer.retryAfter() != null) {
                exchange.getResponseHeaders().set("Retry-After", answer.retryAfter());
            }
            exchange.sendResponseHeaders(answer.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
