package io.parley.push.notify;

import io.parley.common.events.StoredMessage;
import io.parley.push.config.PushSettings;
import io.parley.push.device.Device;
import io.parley.push.device.DeviceRepository;
import io.parley.push.mute.MuteRepository;
import io.parley.push.notify.CoalescingBuffer.Group;
import io.parley.push.sender.PushMessage;
import io.parley.push.sender.PushSender;
import io.parley.push.sender.SendOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Runs the coalescing windows and turns each closed window into notifications:
 * <ol>
 *   <li>{@link #accept}: a request joins its (recipient, conversation) group; the first one opens
 *       the group and schedules its close after {@code parley.push.coalesce-window}.</li>
 *   <li>close: nothing if the recipient muted the conversation; else, per device of the recipient,
 *       claim the group's messages not yet notified to that device ({@link DeliveryClaims}: new
 *       ones, and ones whose holder's lease ran out because it died before FCM answered) and
 *       compose one notification for them; send them all in one {@code sendEach}.</li>
 *   <li>outcomes: sent → mark; dead token → delete the device's token; 429/5xx → extend the claims'
 *       lease and send again after a back-off (the claims are held, so a retry cannot duplicate);
 *       other → log and mark failed.</li>
 *   <li>a device whose claim another instance holds on a live lease is asked about again when the
 *       lease ends; when every device is done, the group's {@code push_pending} rows are deleted.</li>
 * </ol>
 * A failure before the claims (Cassandra unavailable) retries the whole close later: nothing was
 * sent yet, and the pending rows stay until it succeeds.
 */
@Component
class Notifier implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(Notifier.class);

    private final CoalescingBuffer buffer = new CoalescingBuffer();
    private final PendingStore pending;
    private final DeliveryClaims claims;
    private final DeviceRepository devices;
    private final MuteRepository mutes;
    private final SenderNames names;
    private final PushSender sender;
    private final PushSettings settings;
    private final Clock clock;
    private final NotificationComposer composer;
    private final Backoff backoff;
    private final ScheduledThreadPoolExecutor scheduler;

    Notifier(PendingStore pending, DeliveryClaims claims, DeviceRepository devices, MuteRepository mutes,
             SenderNames names, PushSender sender, PushSettings settings, Clock clock) {
        this.pending = pending;
        this.claims = claims;
        this.devices = devices;
        this.mutes = mutes;
        this.names = names;
        this.sender = sender;
        this.settings = settings;
        this.clock = clock;
        this.composer = new NotificationComposer(settings.preview(), settings.previewLength());
        this.backoff = new Backoff(settings.retry().initialBackoff(), settings.retry().maxBackoff());
        this.scheduler = new ScheduledThreadPoolExecutor(settings.consumer().senderThreads(), runnable -> {
            Thread thread = new Thread(runnable, "push-sender");
            thread.setDaemon(true);
            return thread;
        });
        // On shutdown, open windows are not closed early: their requests are in push_pending and the
        // partitions' next owner notifies them. Work already running is allowed to finish.
        this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.scheduler.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    /** Adds a request (already saved in {@code push_pending}) to its window. */
    void accept(PendingNotification notification) {
        buffer.add(notification).ifPresent(group -> schedule(() -> close(group), settings.coalesceWindow()));
    }

    /** A partition this instance now owns: reopen windows for the requests its last owner left pending. */
    void recover(int partition) {
        schedule(() -> {
            try {
                List<PendingNotification> left = pending.load(partition);
                if (!left.isEmpty()) {
                    log.info("Recovered {} pending notification request(s) of partition {}", left.size(), partition);
                }
                left.forEach(this::accept);
            } catch (RuntimeException e) {
                log.warn("Could not load pending notifications of partition {} ({}); retrying", partition, e.toString());
                schedule(() -> recover(partition), settings.retry().maxBackoff());
            }
        }, Duration.ZERO);
    }

    /** Partitions this instance no longer owns: their open windows are the new owner's now. */
    void forget(Collection<Integer> partitions) {
        int dropped = buffer.forget(partitions);
        if (dropped > 0) {
            log.info("Handed over {} open notification window(s) of partitions {}", dropped, partitions);
        }
    }

    int openWindows() {
        return buffer.openGroups();
    }

    private void close(Group group) {
        if (!buffer.take(group)) {
            return; // forgotten in a rebalance (the new owner has it) or already closed
        }
        notifyDevices(group, 0);
    }

    /**
     * Claims, composes and sends the window's notifications for every device not yet notified.
     * Runs again for the same window when a device's claim is held by another instance's live lease
     * (after it ends) or could not be taken (Cassandra failing): devices already notified are
     * skipped by their claims, so running again is always safe.
     */
    private void notifyDevices(Group group, int failures) {
        Prepared prepared;
        try {
            prepared = prepare(group);
        } catch (RuntimeException e) {
            Duration delay = backoff.delayAfter(failures + 1, null);
            log.warn("Preparing notifications for user {} / conversation {} failed (attempt {}), retrying in {}: {}",
                    group.key().recipientId(), group.key().conversationId(), failures + 1, delay, e.toString());
            schedule(() -> notifyDevices(group, failures + 1), delay);
            return;
        }
        send(group, prepared.outgoing(), 1, prepared.askAgainAt());
    }

    /**
     * One notification for one device, with the messages it claimed for it and the stamp of that
     * claim (to extend its lease before a retry).
     */
    private record Outgoing(Device device, Set<Long> messageIds, Instant stamp, PushMessage message) {

        Outgoing restamped(Instant newStamp) {
            return new Outgoing(device, messageIds, newStamp, message);
        }
    }

    /**
     * @param outgoing   what to send now
     * @param askAgainAt when to run the window again for devices that could not be claimed now
     *                   (another instance's live lease, or a failed claim), or null if none
     */
    private record Prepared(List<Outgoing> outgoing, Instant askAgainAt) {
    }

    private Prepared prepare(Group group) {
        long recipient = group.key().recipientId();
        long conversation = group.key().conversationId();
        if (mutes.isMuted(recipient, conversation, clock.instant())) {
            log.debug("User {} muted conversation {}: no notification", recipient, conversation);
            return new Prepared(List.of(), null);
        }
        List<StoredMessage> messages = group.notifications().stream().map(PendingNotification::message).toList();
        Map<Long, StoredMessage> byId = messages.stream()
                .collect(Collectors.toMap(StoredMessage::messageId, Function.identity(), (a, b) -> a));
        List<Outgoing> outgoing = new ArrayList<>();
        Instant askAgainAt = null;
        String title = null;
        for (Device device : devices.devicesOf(recipient)) {
            DeliveryClaims.Claim claim;
            try {
                claim = claims.claim(recipient, device.deviceId(), byId.keySet());
            } catch (RuntimeException e) {
                // The claim may or may not have been written. Not sending now keeps at most once;
                // asking again after the lease keeps at least once: a claim written by this call is
                // then stale and taken over, one that was not is taken fresh.
                Instant later = clock.instant().plus(settings.claimLease());
                log.warn("Claiming {} message(s) for device {} of user {} failed; asking again at {}: {}",
                        byId.size(), device.deviceId(), recipient, later, e.toString());
                askAgainAt = earliest(askAgainAt, later);
                continue;
            }
            askAgainAt = earliest(askAgainAt, claim.busyUntil());
            if (claim.claimed().isEmpty()) {
                continue; // notified before, or another instance is notifying it right now
            }
            List<StoredMessage> unseen = claim.claimed().stream().map(byId::get).toList();
            if (title == null) {
                long latestSender = messages.stream().max((a, b) -> Long.compare(a.seq(), b.seq())).orElseThrow().senderId();
                title = names.nameOf(latestSender);
            }
            outgoing.add(new Outgoing(device, claim.claimed(), claim.stamp(), composer.compose(device, unseen, title)));
        }
        return new Prepared(outgoing, askAgainAt);
    }

    private void send(Group group, List<Outgoing> outgoing, int attempt, Instant askAgainAt) {
        long recipient = group.key().recipientId();
        List<Outgoing> retry = new ArrayList<>();
        Duration delay = Duration.ZERO;
        Instant askAgain = askAgainAt;
        boolean handedOver = false;
        if (!outgoing.isEmpty()) {
            List<SendOutcome> outcomes = sender.send(outgoing.stream().map(Outgoing::message).toList());
            for (int i = 0; i < outgoing.size(); i++) {
                Outgoing out = outgoing.get(i);
                SendOutcome outcome = outcomes.get(i);
                try {
                    String deviceId = out.device().deviceId();
                    if (outcome instanceof SendOutcome.Sent sent) {
                        claims.markSent(recipient, deviceId, out.messageIds(), sent.name());
                    } else if (outcome instanceof SendOutcome.InvalidToken invalid) {
                        boolean deleted = devices.deleteIfTokenIs(recipient, deviceId, out.device().token());
                        log.info("FCM rejected the token of device {} of user {} ({}); {}", deviceId, recipient,
                                invalid.reason(), deleted ? "token deleted" : "it was replaced meanwhile");
                        claims.markFailed(recipient, deviceId, out.messageIds(), invalid.reason());
                    } else if (outcome instanceof SendOutcome.Retry later && attempt < settings.retry().maxAttempts()) {
                        retry.add(out);
                        Duration wait = backoff.delayAfter(attempt, later.retryAfter());
                        delay = wait.compareTo(delay) > 0 ? wait : delay;
                        log.info("FCM asked to retry device {} of user {} (attempt {}): {}", deviceId, recipient,
                                attempt, later.reason());
                    } else if (outcome instanceof SendOutcome.Retry gaveUp) {
                        log.error("Giving up on notifying device {} of user {} after {} attempts: {}", deviceId,
                                recipient, attempt, gaveUp.reason());
                        claims.markFailed(recipient, deviceId, out.messageIds(), gaveUp.reason());
                    } else if (outcome instanceof SendOutcome.Failed failed) {
                        log.error("FCM refused the notification for device {} of user {}: {}", deviceId, recipient,
                                failed.reason());
                        claims.markFailed(recipient, deviceId, out.messageIds(), failed.reason());
                    }
                } catch (RuntimeException e) {
                    // Only the bookkeeping after the send failed. The claim stays 'sending': if this
                    // window's pending rows outlive this instance, the next owner sends it again.
                    log.warn("Recording the outcome for device {} of user {} failed: {}", out.device().deviceId(),
                            recipient, e.toString());
                }
            }
        }
        if (!retry.isEmpty()) {
            Instant nextAttempt = clock.instant().plus(delay);
            List<Outgoing> kept = new ArrayList<>();
            for (Outgoing out : retry) {
                String deviceId = out.device().deviceId();
                try {
                    Instant stamp = claims.extend(recipient, deviceId, out.messageIds(), out.stamp(), nextAttempt);
                    if (stamp != null) {
                        kept.add(out.restamped(stamp));
                    } else {
                        handedOver = true;
                        log.warn("The claim of device {} of user {} was taken over while FCM was failing; "
                                + "its new holder notifies it", deviceId, recipient);
                    }
                } catch (RuntimeException e) {
                    // The lease could not be extended: waiting it out and claiming again cannot
                    // duplicate (whoever takes the stale claim is the only sender) nor miss.
                    log.warn("Extending the claim of device {} of user {} failed; claiming it again after its lease: {}",
                            deviceId, recipient, e.toString());
                    askAgain = earliest(askAgain, out.stamp().plus(settings.claimLease()));
                }
            }
            if (!kept.isEmpty()) {
                Instant carried = askAgain;
                schedule(() -> send(group, kept, attempt + 1, carried), delay);
                return;
            }
        }
        if (askAgain != null) {
            // Pending rows stay until every device is done; 50 ms past the lease absorbs rounding.
            Duration wait = Duration.between(clock.instant(), askAgain).plusMillis(50);
            log.info("Notification of user {} / conversation {} waits for a claim held elsewhere until {}",
                    recipient, group.key().conversationId(), askAgain);
            schedule(() -> notifyDevices(group, 0), wait.isNegative() ? Duration.ZERO : wait);
            return;
        }
        if (handedOver) {
            return; // the instance that took the claim over holds this window and deletes its rows
        }
        try {
            pending.delete(group);
        } catch (RuntimeException e) {
            // Harmless: whoever reloads the rows finds every claim taken and sends nothing; the TTL cleans up.
            log.warn("Could not delete the pending rows of user {} / conversation {}: {}", recipient,
                    group.key().conversationId(), e.toString());
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    private void schedule(Runnable task, Duration delay) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("Unexpected failure in the notification pipeline", e);
            }
        };
        try {
            scheduler.schedule(guarded, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("Shutting down: not scheduling more notification work");
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        scheduler.shutdown();
        if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
            log.warn("Notification sends still running after 10 s; stopping them");
            scheduler.shutdownNow();
        }
    }
}
