package io.parley.chat.receipt;

import java.util.Locale;

/** What a receipt says: received ({@code delivered}) or read up to a seq. */
enum ReceiptStatus {
    DELIVERED, READ;

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status named on the wire, or null when the name is not one. */
    static ReceiptStatus fromWire(String value) {
        if ("delivered".equals(value)) {
            return DELIVERED;
        }
        if ("read".equals(value)) {
            return READ;
        }
        return null;
    }
}
