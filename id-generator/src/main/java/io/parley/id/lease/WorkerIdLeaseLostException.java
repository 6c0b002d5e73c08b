package io.parley.id.lease;

/**
 * The generator can no longer prove it holds its worker id, so it refuses to issue ids: issuing
 * one could duplicate an id of the next holder. Not retryable in place; the process needs a new
 * lease (restart it, or let its health check take it out of rotation).
 */
public class WorkerIdLeaseLostException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public WorkerIdLeaseLostException(String message) {
        super(message);
    }

    public WorkerIdLeaseLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
