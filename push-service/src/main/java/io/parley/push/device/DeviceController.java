package io.parley.push.device;

import io.parley.push.web.ApiException;
import io.parley.push.web.Callers;
import java.time.Clock;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's devices and their push tokens. A device id is chosen by the client (stable per app
 * install); PUT registers it or replaces its token (FCM rotates tokens), so it is idempotent.
 * Everything is scoped to the caller: another user's device ids simply do not exist here.
 */
@RestController
@RequestMapping("/api/push/devices")
class DeviceController {

    private final DeviceRepository devices;
    private final Clock clock;

    DeviceController(DeviceRepository devices, Clock clock) {
        this.devices = devices;
        this.clock = clock;
    }

    @PutMapping("/{deviceId}")
    DeviceResponse register(@AuthenticationPrincipal Jwt jwt, @PathVariable String deviceId,
                            @RequestBody DeviceRequest request) {
        long userId = Callers.userId(jwt);
        Device device = new Device(DeviceValidation.deviceId(deviceId), DeviceValidation.platform(request.platform()),
                DeviceValidation.token(request.token()), clock.instant());
        devices.save(userId, device);
        return DeviceResponse.of(device);
    }

    @GetMapping
    List<DeviceResponse> list(@AuthenticationPrincipal Jwt jwt) {
        return devices.devicesOf(Callers.userId(jwt)).stream().map(DeviceResponse::of).toList();
    }

    @DeleteMapping("/{deviceId}")
    ResponseEntity<Void> remove(@AuthenticationPrincipal Jwt jwt, @PathVariable String deviceId) {
        if (!devices.delete(Callers.userId(jwt), DeviceValidation.deviceId(deviceId))) {
            throw ApiException.notFound("You have no device '" + deviceId + "'.");
        }
        return ResponseEntity.noContent().build();
    }
}
