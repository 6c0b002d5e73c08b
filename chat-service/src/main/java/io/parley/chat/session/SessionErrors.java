package io.parley.chat.session;

/** Error codes the session layer itself sends (the send path has its own, see SendErrors). */
final class SessionErrors {

    /** Not JSON, not an object, or an unknown/missing {@code type}. */
    static final String INVALID_FRAME = "invalid_frame";
    /** A field is present but its value is not acceptable. */
    static final String INVALID_FIELD = "invalid_field";
    /** The frame is larger than {@code maxFrameBytes} of the welcome frame. */
    static final String FRAME_TOO_LARGE = "frame_too_large";
    /** The session has too many frames still in processing; retry after the pending ones are answered. */
    static final String TOO_MANY_REQUESTS = "too_many_requests";
    /** A backing store was unreachable; retry. */
    static final String UNAVAILABLE = "unavailable";

    private SessionErrors() {
    }
}
