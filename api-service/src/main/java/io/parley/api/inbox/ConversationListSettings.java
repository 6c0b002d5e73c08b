package io.parley.api.inbox;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the conversation list ({@code parley.conversation-list.*}; docs/design.md,
 * "Conversation list").
 *
 * @param maxConversations most conversations of one user the list considers: each costs one
 *                         activity read per request, so this bounds a request's work. A user with
 *                         more sees the ones with the highest (newest) conversation ids.
 * @param readConcurrency  most reads one request keeps in flight at once, so one user with many
 *                         conversations cannot take every connection slot of the driver
 * @param previewLength    the last message's text is cut to this many code points
 */
@ConfigurationProperties("parley.conversation-list")
record ConversationListSettings(
        @DefaultValue("1000") int maxConversations,
        @DefaultValue("32") int readConcurrency,
        @DefaultValue("100") int previewLength) {

    ConversationListSettings {
        if (maxConversations < 1 || readConcurrency < 1 || previewLength < 1) {
            throw new IllegalArgumentException(
                    "parley.conversation-list.max-conversations, read-concurrency and preview-length must be positive");
        }
    }
}
