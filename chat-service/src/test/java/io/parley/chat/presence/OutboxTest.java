package io.parley.chat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.common.protocol.ServerFrame;
import io.parley.common.protocol.ServerFrame.UserPresence;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class OutboxTest {

    private final List<Supplier<ServerFrame>> lane = new ArrayList<>();
    private final PresenceSubscriptions.Outbox outbox = new PresenceSubscriptions.Outbox(lane::add);

    private static UserPresence online(String user) {
        return new UserPresence(user, "online", null);
    }

    private static UserPresence offline(String user, long lastSeen) {
        return new UserPresence(user, "offline", lastSeen);
    }

    @Test
    void changesWaitingForTheLaneBecomeOneFrameWithTheNewestStatePerUser() {
        outbox.add(online("1"));
        outbox.add(online("2"));
        outbox.add(offline("1", 99)); // 1 flapped while the flush waited: only the newest state goes out

        assertThat(lane).as("one flush queued, however many changes").hasSize(1);
        ServerFrame frame = lane.get(0).get();
        assertThat(frame).isEqualTo(new ServerFrame.Presence(null, List.of(online("2"), offline("1", 99))));
    }

    @Test
    void afterAFlushTheNextChangeQueuesANewOne() {
        outbox.add(online("1"));
        lane.get(0).get();
        outbox.add(offline("1", 5));

        assertThat(lane).hasSize(2);
        assertThat(lane.get(1).get()).isEqualTo(new ServerFrame.Presence(null, List.of(offline("1", 5))));
    }

    @Test
    void aFlushWithNothingPendingWritesNothing() {
        outbox.add(online("1"));
        Supplier<ServerFrame> flush = lane.get(0);
        flush.get();
        assertThat(flush.get()).isNull();
    }
}
