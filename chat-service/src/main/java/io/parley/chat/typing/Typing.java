package io.parley.chat.typing;

import com.datastax.oss.driver.api.core.DriverException;
import io.parley.chat.conversation.Conversations;
import io.parley.chat.signal.SignalRouter;
import io.parley.common.events.ConversationSignal;
import io.parley.common.protocol.ClientFrame;
import io.parley.common.protocol.ServerFrame;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The {@code typing} frame (docs/protocol.md, "Typing"): forwarded, throttled, to the other members'
 * online sessions as a {@code typing} frame that expires on its own. Never stored anywhere.
 */
@Component
@EnableConfigurationProperties(TypingSettings.class)
public class Typing {

    static final String START = "start";
    static final String STOP = "stop";

    private static final Logger log = LoggerFactory.getLogger(Typing.class);

    private final Conversations conversations;
    private final SignalRouter router;
    private final TypingSettings settings;
    private final Clock clock;
    private final TypingThrottle throttle;

    Typing(Conversations conversations, SignalRouter router, TypingSettings settings, Clock clock) {
        this.conversations = conversations;
        this.router = router;
        this.settings = settings;
        this.clock = clock;
        this.throttle = new TypingThrottle(settings.interval().toMillis(), settings.expiry().toMillis());
    }

    /** How often a client should repeat {@code start} (told in {@code welcome}). */
    public int intervalSeconds() {
        return (int) settings.interval().toSeconds();
    }

    /**
     * Forwards the frame if the throttle lets it through. Returns an error frame for bad input or a
     * conversation the user is not in, null otherwise (typing has no answer).
     */
    public ServerFrame handle(String sessionId, long userId, ClientFrame.Typing typing) {
        if (typing.conversationId() == null) {
            return new ServerFrame.Error("missing_field", "conversationId is required", null, "conversationId");
        }
        long conversationId;
        try {
            conversationId = Long.parseLong(typing.conversationId());
        } catch (NumberFormatException e) {
            return new ServerFrame.Error("invalid_field", "conversationId must be a decimal id", null, "conversationId");
        }
        String state = typing.state() == null ? START : typing.state();
        if (!START.equals(state) && !STOP.equals(state)) {
            return new ServerFrame.Error("invalid_field", "state must be start or stop", null, "state");
        }
        long now = clock.millis();
        boolean forward = START.equals(state)
                ? throttle.start(sessionId, conversationId, now)
                : throttle.stop(sessionId, conversationId, now);
        if (!forward) {
            return null;
        }
        try {
            // Checked only for frames that pass the throttle: at most one read per interval per typist.
            if (!conversations.isMemberNow(conversationId, userId)) {
                throttle.stop(sessionId, conversationId, now);
                return new ServerFrame.Error("unknown_conversation", "no such conversation", null, "conversationId");
            }
            Set<Long> members = conversations.members(conversationId);
            if (members.size() > settings.fanOutLimit()) {
                return null;
            }
            Set<Long> others = new HashSet<>(members);
            others.remove(userId);
            router.route(new ConversationSignal(conversationId, userId, ConversationSignal.TYPING, state, 0,
                    settings.expiry().toMillis(), List.of()), others);
        } catch (DriverException e) {
            // Ephemeral: the next start (one interval later) tries again.
            log.debug("typing of user {} in {} not forwarded: {}", userId, conversationId, e.toString());
        }
        return null;
    }
}
