package io.parley.chat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.common.protocol.ServerFrame.UserPresence;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PresenceViewsTest {

    private static final Instant SEEN = Instant.ofEpochMilli(1_764_000_000_000L);

    @Test
    void strangersSeeUnknownWhateverTheState() {
        for (PresenceStore.State state : List.of(new PresenceStore.State(true, SEEN, false),
                new PresenceStore.State(false, SEEN, false), PresenceStore.State.NEVER_SEEN)) {
            assertThat(PresenceViews.view(5, state, false)).isEqualTo(new UserPresence("5", "unknown", null));
        }
    }

    @Test
    void hiddenUsersLookOfflineWithoutLastSeen() {
        assertThat(PresenceViews.view(5, new PresenceStore.State(true, SEEN, true), true))
                .isEqualTo(new UserPresence("5", "offline", null));
        assertThat(PresenceViews.view(5, new PresenceStore.State(false, SEEN, true), true))
                .isEqualTo(new UserPresence("5", "offline", null));
    }

    @Test
    void contactsSeeOnlineOrOfflineWithLastSeen() {
        assertThat(PresenceViews.view(5, new PresenceStore.State(true, SEEN, false), true))
                .isEqualTo(new UserPresence("5", "online", null));
        assertThat(PresenceViews.view(5, new PresenceStore.State(false, SEEN, false), true))
                .isEqualTo(new UserPresence("5", "offline", SEEN.toEpochMilli()));
        assertThat(PresenceViews.view(5, PresenceStore.State.NEVER_SEEN, true))
                .isEqualTo(new UserPresence("5", "offline", null));
    }

    @Test
    void anOnlineChangeNeverCarriesLastSeen() {
        assertThat(PresenceViews.change(5, true, 123L)).isEqualTo(new UserPresence("5", "online", null));
        assertThat(PresenceViews.change(5, false, 123L)).isEqualTo(new UserPresence("5", "offline", 123L));
    }
}
