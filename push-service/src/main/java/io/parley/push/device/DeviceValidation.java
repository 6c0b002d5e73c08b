package io.parley.push.device;

import io.parley.common.text.TextRules;
import io.parley.common.web.ApiException;
import java.util.regex.Pattern;

/**
 * Checks device ids and registration requests before anything is written, so bad input changes
 * nothing and the 400 names the field.
 */
final class DeviceValidation {

    /** FCM tokens are ~160-200 characters today; 4096 leaves room for growth and bounds abuse. */
    static final int MAX_TOKEN_LENGTH = 4096;
    static final int MAX_DEVICE_ID_LENGTH = 64;
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_DEVICE_ID_LENGTH + "}");

    static String deviceId(String deviceId) {
        if (deviceId == null || !DEVICE_ID.matcher(deviceId).matches()) {
            throw ApiException.badRequest("deviceId",
                    "must be 1 to " + MAX_DEVICE_ID_LENGTH + " characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'");
        }
        return deviceId;
    }

    static Platform platform(String platform) {
        return Platform.fromWire(platform).orElseThrow(
                () -> ApiException.badRequest("platform", "must be one of android, ios, web"));
    }

    static String token(String token) {
        if (token == null || token.isBlank()) {
            throw ApiException.badRequest("token", "must not be empty");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw ApiException.badRequest("token", "must be at most " + MAX_TOKEN_LENGTH + " characters");
        }
        if (!TextRules.isValidUnicode(token)) {
            throw ApiException.badRequest("token", TextRules.INVALID_UNICODE);
        }
        if (token.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw ApiException.badRequest("token", "must not contain whitespace or control characters");
        }
        return token;
    }

    private DeviceValidation() {
    }
}
