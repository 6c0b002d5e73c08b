package io.parley.chat.presence;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PresenceSettingsTest {

    private static PresenceSettings with(Duration interval, Duration ttl) {
        return new PresenceSettings(Duration.ofSeconds(10), interval, ttl, 50, 100, 2,
                new PresenceSettings.Topic(4, (short) 1, Duration.ofMinutes(10)));
    }

    @Test
    void aHeartbeatTtlThatOneLateBeatCouldMissIsRefused() {
        with(Duration.ofSeconds(2), Duration.ofSeconds(10));
        assertThatThrownBy(() -> with(Duration.ofSeconds(2), Duration.ofSeconds(3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node-heartbeat-ttl");
    }
}
