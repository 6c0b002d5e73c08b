package io.parley.chat.ratelimit;

import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The rate limits of {@code send} and the presence frames (docs/protocol.md "Rate limits"), checked
 * on the container thread when the frame is read, before it is queued: a refused frame costs no
 * Cassandra read, no Kafka publish and no worker thread, and changes nothing.
 *
 * <p>A frame is counted against its session first and, only if the session allows it, against its
 * user: a session over its own limit does not use up the budget of the user's other devices.
 *
 * <p>State is in this node's memory: per-session budgets are held by the sessions, per-user budgets
 * by this node. With N chat nodes, a user with sessions on k of them gets up to k times the per-user
 * budget (and every session its own per-session budget).
 */
@Component
@EnableConfigurationProperties(FrameRateLimitSettings.class)
public class FrameRateLimits {

    static final String SEND_PER_SESSION = "send-per-session";
    static final String SEND_PER_USER = "send-per-user";
    static final String PRESENCE_PER_SESSION = "presence-per-session";
    static final String PRESENCE_PER_USER = "presence-per-user";

    private final FrameRateLimitSettings settings;
    private final Supplier<Long> nanoClock;
    private final UserRateLimiter sendsPerUser;
    private final UserRateLimiter presencePerUser;
    private final Map<String, Counter> refusals;

    @Autowired
    public FrameRateLimits(FrameRateLimitSettings settings, ObjectProvider<MeterRegistry> meters) {
        this(settings, meters.getIfAvailable(SimpleMeterRegistry::new), System::nanoTime);
    }

    FrameRateLimits(FrameRateLimitSettings settings, MeterRegistry meters, Supplier<Long> nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.refusals = Map.of(
                SEND_PER_SESSION, refusalCounter(meters, SEND_PER_SESSION),
                SEND_PER_USER, refusalCounter(meters, SEND_PER_USER),
                PRESENCE_PER_SESSION, refusalCounter(meters, PRESENCE_PER_SESSION),
                PRESENCE_PER_USER, refusalCounter(meters, PRESENCE_PER_USER));
        this.sendsPerUser = new UserRateLimiter(SEND_PER_USER, settings.sendPerUser(), settings.maxUsers(), nanoClock);
        this.presencePerUser = new UserRateLimiter(PRESENCE_PER_USER, settings.presencePerUser(), settings.maxUsers(),
                nanoClock);
    }

    /** The per-session budgets of a new session (empty ones when the limits are off). */
    public SessionBudget newSession() {
        if (!settings.enabled()) {
            return SessionBudget.UNLIMITED;
        }
        return new SessionBudget(Permits.limiter(SEND_PER_SESSION, settings.sendPerSession(), nanoClock),
                Permits.limiter(PRESENCE_PER_SESSION, settings.presencePerSession(), nanoClock));
    }

    /** Counts a {@code send} frame; a refusal when its session or its user is over the limit. */
    public Optional<Refusal> checkSend(SessionBudget session, long userId) {
        return check(session.sends, SEND_PER_SESSION, sendsPerUser, SEND_PER_USER, userId);
    }

    /** Counts a presence frame ({@code presence_subscribe}, {@code presence_query}, {@code presence_settings}). */
    public Optional<Refusal> checkPresence(SessionBudget session, long userId) {
        return check(session.presence, PRESENCE_PER_SESSION, presencePerUser, PRESENCE_PER_USER, userId);
    }

    private Optional<Refusal> check(AtomicRateLimiter perSession,
                                    String sessionLimit, UserRateLimiter perUser, String userLimit, long userId) {
        if (!settings.enabled() || perSession == null) {
            return Optional.empty();
        }
        Optional<Duration> wait = Permits.tryAcquire(perSession);
        if (wait.isPresent()) {
            return refused(sessionLimit, wait.get());
        }
        wait = perUser.tryAcquire(userId);
        if (wait.isPresent()) {
            return refused(userLimit, wait.get());
        }
        return Optional.empty();
    }

    private Optional<Refusal> refused(String limit, Duration wait) {
        refusals.get(limit).increment();
        return Optional.of(new Refusal(limit, wait));
    }

    /** The same meter api-service counts its 429s in, tagged with the chat limit. */
    private static Counter refusalCounter(MeterRegistry meters, String limit) {
        return Counter.builder("parley.rate.limit.refusals")
                .description("Requests and client frames refused by a rate limit")
                .tag("limit", limit)
                .register(meters);
    }

    /** For tests: how many users the per-user send and presence limits remember now. */
    int[] rememberedUsers() {
        return new int[] {sendsPerUser.size(), presencePerUser.size()};
    }
}
