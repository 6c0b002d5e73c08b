package io.parley.api.receipt;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code parley.receipts.*}, the same property chat-service reads: a deployment that switches
 * receipts off ({@code PARLEY_RECEIPTS_ENABLED=false}) shares nobody's delivered/read marks with
 * other members. Each user still sees their own marks (their unread counts depend on them).
 */
@ConfigurationProperties("parley.receipts")
record ReceiptSettings(@DefaultValue("true") boolean enabled) {
}
