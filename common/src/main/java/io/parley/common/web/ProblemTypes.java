package io.parley.common.web;

import java.net.URI;

/**
 * The {@code type} of every Parley problem detail (RFC 9457), one per kind of failure, as listed in
 * docs/api.md ("Errors"). A client may switch on {@code type} instead of parsing {@code detail}.
 * Statuses without a kind of their own get {@code about:blank} ("nothing beyond the status").
 */
public final class ProblemTypes {

    private static final String PREFIX = "urn:parley:problem:";

    public static final URI INVALID_REQUEST = URI.create(PREFIX + "invalid-request");
    public static final URI UNAUTHENTICATED = URI.create(PREFIX + "unauthenticated");
    public static final URI FORBIDDEN = URI.create(PREFIX + "forbidden");
    public static final URI NOT_FOUND = URI.create(PREFIX + "not-found");
    public static final URI METHOD_NOT_ALLOWED = URI.create(PREFIX + "method-not-allowed");
    public static final URI NOT_ACCEPTABLE = URI.create(PREFIX + "not-acceptable");
    public static final URI CONFLICT = URI.create(PREFIX + "conflict");
    public static final URI PAYLOAD_TOO_LARGE = URI.create(PREFIX + "payload-too-large");
    public static final URI UNSUPPORTED_MEDIA_TYPE = URI.create(PREFIX + "unsupported-media-type");
    public static final URI UNPROCESSABLE = URI.create(PREFIX + "unprocessable");
    public static final URI TOO_MANY_REQUESTS = URI.create(PREFIX + "too-many-requests");
    public static final URI INTERNAL = URI.create(PREFIX + "internal");
    public static final URI UNAVAILABLE = URI.create(PREFIX + "unavailable");
    public static final URI GATEWAY_TIMEOUT = URI.create(PREFIX + "gateway-timeout");
    public static final URI ABOUT_BLANK = URI.create("about:blank");

    private ProblemTypes() {
    }

    /** The type of a problem with this HTTP status. */
    public static URI forStatus(int status) {
        return switch (status) {
            case 400 -> INVALID_REQUEST;
            case 401 -> UNAUTHENTICATED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 409 -> CONFLICT;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 422 -> UNPROCESSABLE;
            case 429 -> TOO_MANY_REQUESTS;
            case 500 -> INTERNAL;
            case 503 -> UNAVAILABLE;
            case 504 -> GATEWAY_TIMEOUT;
            default -> ABOUT_BLANK;
        };
    }
}
