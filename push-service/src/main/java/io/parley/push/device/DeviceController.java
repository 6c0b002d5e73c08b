package io.parley.push.device;

import io.parley.common.web.ApiException;
import io.parley.push.web.Callers;
import io.parley.push.web.OpenApiConfig;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "Devices", description = "The caller's devices and their FCM registration tokens")
@RestController
@RequestMapping("/api/push/devices")
class DeviceController {

    private final DeviceRepository devices;
    private final Clock clock;

    DeviceController(DeviceRepository devices, Clock clock) {
        this.devices = devices;
        this.clock = clock;
    }

    @Operation(summary = "Register a device or replace its token",
            description = "Idempotent: the same device id again replaces the token (FCM rotates tokens). "
                    + "Device ids: 1-64 of A-Za-z0-9._:-; tokens: not empty, at most 4096 characters, no whitespace.")
    @ApiResponse(responseCode = "200", description = "The device as stored")
    @ApiResponse(responseCode = "400", ref = OpenApiConfig.BAD_REQUEST)
    @PutMapping("/{deviceId}")
    DeviceResponse register(@Parameter(hidden = true) @AuthenticationPrincipal Jwt jwt,
                            @Parameter(description = "Chosen by the client, stable per app install", example = "pixel-8")
                            @PathVariable String deviceId,
                            @RequestBody DeviceRequest request) {
        long userId = Callers.userId(jwt);
        Device device = new Device(DeviceValidation.deviceId(deviceId), DeviceValidation.platform(request.platform()),
                DeviceValidation.token(request.token()), clock.instant());
        devices.save(userId, device);
        return DeviceResponse.of(device);
    }

    @Operation(summary = "Your devices")
    @ApiResponse(responseCode = "200", description = "The caller's devices only")
    @GetMapping
    List<DeviceResponse> list(@Parameter(hidden = true) @AuthenticationPrincipal Jwt jwt) {
        return devices.devicesOf(Callers.userId(jwt)).stream().map(DeviceResponse::of).toList();
    }

    @Operation(summary = "Remove a device", description = "It gets no more notifications.")
    @ApiResponse(responseCode = "204", description = "Removed")
    @ApiResponse(responseCode = "400", ref = OpenApiConfig.BAD_REQUEST)
    @ApiResponse(responseCode = "404", ref = OpenApiConfig.NOT_FOUND)
    @DeleteMapping("/{deviceId}")
    ResponseEntity<Void> remove(@Parameter(hidden = true) @AuthenticationPrincipal Jwt jwt,
                                @Parameter(example = "pixel-8") @PathVariable String deviceId) {
        if (!devices.delete(Callers.userId(jwt), DeviceValidation.deviceId(deviceId))) {
            throw ApiException.notFound("You have no device '" + deviceId + "'.");
        }
        return ResponseEntity.noContent().build();
    }
}
