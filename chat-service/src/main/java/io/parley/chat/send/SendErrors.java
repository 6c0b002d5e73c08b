package io.parley.chat.send;

/** Error codes of the accept path (docs/protocol.md, "Errors"). */
final class SendErrors {

    static final String MISSING_FIELD = "missing_field";
    static final String INVALID_FIELD = "invalid_field";
    static final String TEXT_TOO_LONG = "text_too_long";
    /** {@code to} names no user, or names the sender. */
    static final String UNKNOWN_RECIPIENT = "unknown_recipient";
    /**
     * The conversation does not exist OR the sender is not a member. One code for both on
     * purpose: a distinct "not a member" would confirm that a guessed conversation id exists.
     */
    static final String UNKNOWN_CONVERSATION = "unknown_conversation";
    /** Cassandra or Kafka did not answer in time; nothing was acked, retry with the same id. */
    static final String UNAVAILABLE = "unavailable";

    private SendErrors() {
    }
}
