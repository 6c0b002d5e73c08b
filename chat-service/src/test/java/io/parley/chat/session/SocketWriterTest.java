package io.parley.chat.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The bounds of what may wait for one client, with Jetty's session stood in for. */
class SocketWriterTest {

    private final Session jetty = mock(Session.class);
    private final List<Callback> pending = new ArrayList<>();

    @BeforeEach
    void openSession() {
        when(jetty.isOpen()).thenReturn(true);
    }

    private void captureCallbacks(int sends) {
        ArgumentCaptor<Callback> callbacks = ArgumentCaptor.forClass(Callback.class);
        verify(jetty, times(sends)).sendText(anyString(), callbacks.capture());
        pending.clear();
        pending.addAll(callbacks.getAllValues());
    }

    @Test
    void moreBytesWaitingThanTheLimitDropTheConnection() {
        SocketWriter writer = new SocketWriter("s", jetty, 10, Duration.ofMinutes(1));

        writer.send("12345");
        writer.send("67890"); // exactly the limit: still fine
        verify(jetty, never()).disconnect();

        writer.send("x");
        verify(jetty).disconnect();
        verify(jetty, times(2)).sendText(anyString(), any());
    }

    @Test
    void writtenFramesNoLongerCount() {
        SocketWriter writer = new SocketWriter("s", jetty, 10, Duration.ofMinutes(1));
        writer.send("12345");
        writer.send("67890");
        captureCallbacks(2);

        pending.get(0).succeed();
        pending.get(1).fail(new IllegalStateException("connection reset")); // also no longer waiting
        writer.send("abcdefghij");

        verify(jetty, never()).disconnect();
    }

    @Test
    void aFrameWaitingLongerThanTheLimitDropsTheConnectionAtTheNextWrite() throws InterruptedException {
        SocketWriter writer = new SocketWriter("s", jetty, 1 << 20, Duration.ofMillis(1));
        writer.send("first");
        Thread.sleep(5); // past the 1 ms limit, with the first frame still unwritten

        writer.send("second");

        verify(jetty).disconnect();
        verify(jetty, times(1)).sendText(anyString(), any());
    }

    @Test
    void nothingIsSentToAClosedSession() {
        when(jetty.isOpen()).thenReturn(false);
        new SocketWriter("s", jetty, 10, Duration.ofMinutes(1)).send("late");

        verify(jetty, never()).sendText(anyString(), any());
    }

    @Test
    void utf8LengthIsTheEncodedLength() {
        for (String text : new String[] {"", "ascii", "é", "日本語", "emoji 😀 and ü", "\uD83D\uDE00\uD83D\uDE00"}) {
            assertThat(SocketWriter.utf8Length(text)).as(text)
                    .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
    }
}
