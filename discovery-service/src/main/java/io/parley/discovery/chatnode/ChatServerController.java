package io.parley.discovery.chatnode;

import java.net.URI;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The client-facing answer to "which chat server should I open my WebSocket to?".
 * Clients call it before connecting and again whenever they lose their node (a crash, or a
 * {@code reconnect} frame from a draining node). Requires the user's JWT.
 */
@RestController
@RequestMapping("/api/discovery")
class ChatServerController {

    /** How long a client should wait before asking again when no node is available. */
    static final String RETRY_AFTER_SECONDS = "2";

    private final ChatNodeDirectory directory;

    ChatServerController(ChatNodeDirectory directory) {
        this.directory = directory;
    }

    @GetMapping("/chat-server")
    ChatServerResponse chatServer() {
        return directory.leastLoaded()
                .map(node -> new ChatServerResponse(node.nodeId(), node.url()))
                .orElseThrow(NoChatNodeAvailableException::new);
    }

    @ExceptionHandler(NoChatNodeAvailableException.class)
    ResponseEntity<ProblemDetail> noChatNodeAvailable() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "No chat server can take new connections right now; ask again shortly.");
        problem.setTitle("No chat server available");
        problem.setType(URI.create("urn:parley:problem:no-chat-server"));
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .body(problem);
    }

    /** Where to connect: the node's id (for logs and support) and its WebSocket URL. */
    record ChatServerResponse(String nodeId, String url) {
    }

    static final class NoChatNodeAvailableException extends RuntimeException {
        NoChatNodeAvailableException() {
            super("no chat node available", null, false, false);
        }
    }
}
