package io.parley.push.device;

import java.time.Instant;

/** One device of a user and its current FCM registration token. */
public record Device(String deviceId, Platform platform, String token, Instant updatedAt) {
}
