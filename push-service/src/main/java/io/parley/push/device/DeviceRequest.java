package io.parley.push.device;

/** Body of {@code PUT /api/push/devices/{deviceId}}: {@code {"platform":"android|ios|web","token":"…"}}. */
record DeviceRequest(String platform, String token) {
}
