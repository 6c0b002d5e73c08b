package io.parley.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.parley.localrun.LocalSystem;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A running Parley (the {@link LocalSystem} of the end-to-end tests, on free ports) plus a small
 * control endpoint on 127.0.0.1 that the SDK's integration tests and the browser tests call to
 * drain and restart chat nodes, as an operator's deploy would:
 *
 * <ul>
 *   <li>{@code GET /system}: {@code {"gatewayUrl":…,"discoveryUrl":…,"chatNodeWsUrls":[…],"chatNodeIds":[…]}}</li>
 *   <li>{@code POST /chat-nodes/<i>/stop}: SIGTERM to node i (it drains), answers when it is gone</li>
 *   <li>{@code POST /chat-nodes/<i>/start}: starts node i again, answers when discovery hands it out</li>
 * </ul>
 *
 * <p>{@link #main} runs it until stdin closes or SIGTERM, for developing the clients against it.
 */
final class ClientsHarness implements AutoCloseable {

    private static final Pattern NODE_ACTION = Pattern.compile("^/chat-nodes/(\\d+)/(stop|start)$");

    final LocalSystem system;
    private final HttpServer control;

    private ClientsHarness(LocalSystem system, HttpServer control) {
        this.system = system;
        this.control = control;
    }

    static ClientsHarness start() throws IOException {
        LocalSystem system = LocalSystem.start(LocalSystem.Options.forTests());
        try {
            HttpServer control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            ClientsHarness harness = new ClientsHarness(system, control);
            control.createContext("/", harness::handle);
            control.setExecutor(Executors.newFixedThreadPool(2, task -> {
                Thread thread = new Thread(task, "clients-control");
                thread.setDaemon(true);
                return thread;
            }));
            control.start();
            return harness;
        } catch (IOException | RuntimeException e) {
            system.close();
            throw e;
        }
    }

    String controlUrl() {
        return "http://127.0.0.1:" + control.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        try {
            if (path.equals("/system") && exchange.getRequestMethod().equals("GET")) {
                reply(exchange, 200, systemJson());
                return;
            }
            Matcher action = NODE_ACTION.matcher(path);
            if (action.matches() && exchange.getRequestMethod().equals("POST")) {
                int index = Integer.parseInt(action.group(1));
                if (action.group(2).equals("stop")) {
                    system.stopChatNode(index);
                } else {
                    system.startChatNode(index);
                }
                reply(exchange, 200, "{\"ok\":true}");
                return;
            }
            reply(exchange, 404, "{\"error\":\"no such control endpoint\"}");
        } catch (RuntimeException e) {
            reply(exchange, 500, "{\"error\":" + quote(String.valueOf(e.getMessage())) + "}");
        }
    }

    String systemJson() {
        return "{\"gatewayUrl\":" + quote(system.gatewayUrl())
                + ",\"discoveryUrl\":" + quote(system.discoveryUrl())
                + ",\"chatNodeWsUrls\":" + array(system.chatNodeWsUrls())
                + ",\"chatNodeIds\":" + array(system.chatNodeIds()) + "}";
    }

    private static String array(List<String> values) {
        return values.stream().map(ClientsHarness::quote).collect(Collectors.joining(",", "[", "]"));
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        control.stop(0);
        system.close();
    }

    /** For developing the clients: prints and writes (args[0], if given) the URLs, runs until stdin closes. */
    public static void main(String[] args) throws Exception {
        ClientsHarness harness = start();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            harness.close();
            done.countDown();
        }));
        String info = "{\"controlUrl\":" + quote(harness.controlUrl()) + ",\"system\":" + harness.systemJson() + "}";
        System.out.println(info);
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), info);
        }
        while (System.in.read() != -1) {
            // wait for stdin to close
        }
        System.exit(0);
    }
}
