package io.parley.push.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.common.events.StoredMessage;
import io.parley.push.device.Device;
import io.parley.push.device.Platform;
import io.parley.push.sender.PushMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationComposerTest {

    private static final Device PHONE = new Device("phone", Platform.ANDROID, "tok", Instant.EPOCH);

    private static StoredMessage message(long id, long seq, String text) {
        return new StoredMessage(id, 42, seq, 7, "c" + id, text, 0);
    }

    @Test
    void oneMessageShowsItsPreviewAndData() {
        PushMessage push = new NotificationComposer(true, 100).compose(PHONE, List.of(message(5, 3, "hello")), "Alice");
        assertThat(push.token()).isEqualTo("tok");
        assertThat(push.title()).isEqualTo("Alice");
        assertThat(push.body()).isEqualTo("hello");
        assertThat(push.collapseKey()).isEqualTo("c42");
        assertThat(push.data()).isEqualTo(Map.of("conversationId", "42", "messageId", "5", "seq", "3", "count", "1"));
    }

    @Test
    void severalMessagesSayHowManyAndPointAtTheLatest() {
        PushMessage push = new NotificationComposer(true, 100).compose(PHONE,
                List.of(message(9, 4, "b"), message(8, 2, "a"), message(10, 5, "c")), "Alice");
        assertThat(push.body()).isEqualTo("3 new messages");
        assertThat(push.data()).containsEntry("messageId", "10").containsEntry("seq", "5").containsEntry("count", "3");
    }

    @Test
    void previewsCanBeSwitchedOff() {
        PushMessage push = new NotificationComposer(false, 100).compose(PHONE, List.of(message(5, 3, "secret")), "Alice");
        assertThat(push.body()).isEqualTo("New message");
        assertThat(push.toString()).doesNotContain("secret");
    }

    @Test
    void longPreviewsAreCutByCodePointsAndWhitespaceIsFolded() {
        NotificationComposer composer = new NotificationComposer(true, 5);
        assertThat(composer.preview("  a\n\n b  ")).isEqualTo("a b");
        assertThat(composer.preview("😀😀😀😀😀😀😀")).isEqualTo("😀😀😀😀…");
        assertThat(composer.preview("12345")).isEqualTo("12345");
        assertThat(composer.preview("   ")).isEqualTo("New message");
    }
}
