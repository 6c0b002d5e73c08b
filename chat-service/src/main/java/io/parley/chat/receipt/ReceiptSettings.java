package io.parley.chat.receipt;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Receipts ({@code parley.receipts.*}; api-service reads the same {@code enabled}).
 *
 * @param enabled      whether members see each other's receipts; when false a user's watermarks are
 *                     still kept and synced to their own devices (unread counts), never shown to others
 * @param fanOutLimit  receipts are pushed to the other members of conversations of at most this
 *                     many members; in larger groups clients ask for read counts over REST
 *                     ({@code GET /api/conversations/{id}/receipts?seq=N}) for the messages they show
 */
@ConfigurationProperties("parley.receipts")
public record ReceiptSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("100") int fanOutLimit) {

    public ReceiptSettings {
        if (fanOutLimit < 2) {
            throw new IllegalArgumentException("parley.receipts.fan-out-limit must be at least 2");
        }
    }
}
