package io.parley.id.lease;

/** Every one of the 1024 worker ids is leased by a live generator. */
public class WorkerIdsExhaustedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public WorkerIdsExhaustedException(String message) {
        super(message);
    }
}
