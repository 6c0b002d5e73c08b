package io.parley.chat.presence;

import static io.parley.chat.presence.PresenceVisibility.CONTACTS;
import static io.parley.chat.presence.PresenceVisibility.CONVERSATIONS;
import static io.parley.chat.presence.PresenceVisibility.NOBODY;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.common.protocol.ServerFrame.UserPresence;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PresenceViewsTest {

    private static final Instant SEEN = Instant.ofEpochMilli(1_764_000_000_000L);
    private static final long USER = 5;
    private static final long VIEWER = 9;

    @Test
    void strangersSeeUnknownWhateverTheStateAndSetting() {
        for (PresenceVisibility visibility : PresenceVisibility.values()) {
            for (PresenceStore.State state : List.of(new PresenceStore.State(true, SEEN, visibility),
                    new PresenceStore.State(false, SEEN, visibility), PresenceStore.State.NEVER_SEEN)) {
                boolean allowed = PresenceViews.allowed(VIEWER, USER, false, visibility, true);
                assertThat(allowed).isFalse();
                assertThat(PresenceViews.view(USER, state, false, allowed)).isEqualTo(new UserPresence("5", "unknown", null));
            }
        }
    }

    @Test
    void underTheDefaultOnlyPeopleTheUserMessagedAreAdmitted() {
        assertThat(PresenceVisibility.DEFAULT).isEqualTo(CONTACTS);
        // Sharing a conversation (a stranger who messaged the user, or added them to a group) is not enough.
        assertThat(PresenceViews.allowed(VIEWER, USER, true, CONTACTS, false)).isFalse();
        assertThat(PresenceViews.allowed(VIEWER, USER, true, CONTACTS, true)).isTrue();
    }

    @Test
    void conversationsAdmitsEveryoneSharingAConversation() {
        assertThat(PresenceViews.allowed(VIEWER, USER, true, CONVERSATIONS, false)).isTrue();
    }

    @Test
    void nobodyAdmitsNobodyButTheUserThemself() {
        assertThat(PresenceViews.allowed(VIEWER, USER, true, NOBODY, true)).isFalse();
        assertThat(PresenceViews.allowed(USER, USER, true, NOBODY, false)).isTrue();
    }

    @Test
    void aViewerShutOutSeesWhatANeverSeenUserLooksLike() {
        UserPresence neverSeen = PresenceViews.view(USER, PresenceStore.State.NEVER_SEEN, true, true);
        for (PresenceStore.State state : List.of(new PresenceStore.State(true, SEEN, NOBODY),
                new PresenceStore.State(false, SEEN, CONTACTS))) {
            // Indistinguishable: the viewer cannot tell "hidden from me" from "never came online".
            assertThat(PresenceViews.view(USER, state, true, false))
                    .isEqualTo(new UserPresence("5", "offline", null))
                    .isEqualTo(neverSeen)
                    .isEqualTo(PresenceViews.masked(USER));
        }
    }

    @Test
    void admittedViewersSeeOnlineOrOfflineWithLastSeen() {
        assertThat(PresenceViews.view(USER, new PresenceStore.State(true, SEEN, CONTACTS), true, true))
                .isEqualTo(new UserPresence("5", "online", null));
        assertThat(PresenceViews.view(USER, new PresenceStore.State(false, SEEN, CONVERSATIONS), true, true))
                .isEqualTo(new UserPresence("5", "offline", SEEN.toEpochMilli()));
    }

    @Test
    void anOnlineChangeNeverCarriesLastSeen() {
        assertThat(PresenceViews.change(USER, true, 123L)).isEqualTo(new UserPresence("5", "online", null));
        assertThat(PresenceViews.change(USER, false, 123L)).isEqualTo(new UserPresence("5", "offline", 123L));
    }
}
