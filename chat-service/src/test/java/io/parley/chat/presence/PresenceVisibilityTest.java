package io.parley.chat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PresenceVisibilityTest {

    @Test
    void wireNamesRoundTripAndUnknownNamesAreRefused() {
        for (PresenceVisibility value : PresenceVisibility.values()) {
            assertThat(PresenceVisibility.fromWire(value.wireName())).isSameAs(value);
        }
        assertThat(PresenceVisibility.CONTACTS.wireName()).isEqualTo("contacts");
        assertThat(PresenceVisibility.fromWire("everyone")).isNull();
        assertThat(PresenceVisibility.fromWire("NOBODY")).isNull();
        assertThat(PresenceVisibility.fromWire(null)).isNull();
    }

    @Test
    void theOlderHiddenFlagMapsToNobodyOrBackToTheDefault() {
        assertThat(PresenceVisibility.fromHidden(true)).isEqualTo(PresenceVisibility.NOBODY);
        // Showing again never widens beyond the privacy-preserving default.
        assertThat(PresenceVisibility.fromHidden(false)).isEqualTo(PresenceVisibility.CONTACTS);
    }

    @Test
    void onlyContactsDependsOnWhetherTheUserMessagedTheViewer() {
        assertThat(PresenceVisibility.CONTACTS.allows(true)).isTrue();
        assertThat(PresenceVisibility.CONTACTS.allows(false)).isFalse();
        assertThat(PresenceVisibility.CONVERSATIONS.allows(false)).isTrue();
        assertThat(PresenceVisibility.NOBODY.allows(true)).isFalse();
    }
}
