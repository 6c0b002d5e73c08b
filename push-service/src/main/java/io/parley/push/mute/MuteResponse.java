package io.parley.push.mute;

import java.time.Instant;

/** A mute as the API shows it; {@code until} null = until unmuted. Ids are strings (JavaScript-safe). */
record MuteResponse(String conversationId, Instant until) {

    static MuteResponse of(Mute mute) {
        return new MuteResponse(Long.toString(mute.conversationId()), mute.until());
    }
}
