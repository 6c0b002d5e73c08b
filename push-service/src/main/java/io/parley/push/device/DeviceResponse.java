package io.parley.push.device;

import java.time.Instant;

/** A device as the owner sees it. */
record DeviceResponse(String deviceId, String platform, String token, Instant updatedAt) {

    static DeviceResponse of(Device device) {
        return new DeviceResponse(device.deviceId(), device.platform().wireName(), device.token(), device.updatedAt());
    }
}
