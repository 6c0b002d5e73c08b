package io.parley.push.device;

import java.util.Arrays;
import java.util.Optional;

/** Where a device runs; FCM serves all three, and the notification carries each one's options. */
public enum Platform {
    ANDROID, IOS, WEB;

    /** The wire name: lower case, as clients send it. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Optional<Platform> fromWire(String value) {
        return Arrays.stream(values()).filter(p -> p.wireName().equals(value)).findFirst();
    }
}
