package io.parley.push.mute;

import java.time.Instant;

/** Body of {@code PUT /api/push/mutes/{conversationId}}: {@code {"until":"2026-12-01T08:00:00Z"}} or {@code {"until":null}}. */
record MuteRequest(Instant until) {
}
