package io.parley.push.sender.log;

import io.parley.push.sender.PushMessage;
import io.parley.push.sender.PushSender;
import io.parley.push.sender.SendOutcome;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink used without Firebase credentials (a developer's laptop, the local run): every
 * notification is logged at INFO instead of sent, so the rest of the system works and a developer
 * can see what would have gone out. Tokens are shortened in the log; they are credentials of sorts.
 */
public final class LogPushSender implements PushSender {

    private static final Logger log = LoggerFactory.getLogger(LogPushSender.class);

    private final AtomicLong sent = new AtomicLong();

    @Override
    public List<SendOutcome> send(List<PushMessage> messages) {
        return messages.stream().<SendOutcome>map(message -> {
            long n = sent.incrementAndGet();
            log.info("[log-only push #{}] to token {}…: title='{}' body='{}' collapse={} data={}", n,
                    message.token().substring(0, Math.min(8, message.token().length())), message.title(),
                    message.body(), message.collapseKey(), message.data());
            return new SendOutcome.Sent("log-only/" + n);
        }).toList();
    }

    @Override
    public String sink() {
        return "log-only (no FCM credentials configured: notifications are written to the log, not delivered)";
    }

    @Override
    public boolean logOnly() {
        return true;
    }
}
