package io.parley.api.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.api.user.Usernames;
import io.parley.common.web.ApiException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The limits of login and sign-up (docs/api.md "Rate limits"). Checked before anything is looked up
 * or hashed, so a refused attempt costs no bcrypt and no Cassandra read. Every attempt counts, right
 * or wrong: the point is to bound the hashing one username or one address can cause.
 *
 * <p>State is in this instance's memory: with N api-service instances behind the gateway a client
 * whose requests are spread over all of them gets up to N times each limit.
 */
@Component
public class AuthRateLimits {

    /** One shared key for login names that cannot be usernames: such a login never succeeds. */
    static final String NOT_A_USERNAME = "\u0000not-a-username";

    private final boolean enabled;
    private final KeyedRateLimiter loginPerUsername;
    private final KeyedRateLimiter loginPerAddress;
    private final KeyedRateLimiter signUpPerAddress;
    private final KeyedRateLimiter refreshPerAddress;
    private final Counter refusedLoginPerUsername;
    private final Counter refusedLoginPerAddress;
    private final Counter refusedSignUpPerAddress;
    private final Counter refusedRefreshPerAddress;

    @Autowired
    public AuthRateLimits(RateLimitSettings settings, MeterRegistry meters) {
        this(settings, meters, System::nanoTime);
    }

    AuthRateLimits(RateLimitSettings settings, MeterRegistry meters, Supplier<Long> nanoClock) {
        this.enabled = settings.enabled();
        this.loginPerUsername = new KeyedRateLimiter("login-per-username", settings.loginPerUsername(),
                settings.maxKeys(), nanoClock);
        this.loginPerAddress = new KeyedRateLimiter("login-per-address", settings.loginPerAddress(),
                settings.maxKeys(), nanoClock);
        this.signUpPerAddress = new KeyedRateLimiter("sign-up-per-address", settings.signUpPerAddress(),
                settings.maxKeys(), nanoClock);
        this.refreshPerAddress = new KeyedRateLimiter("refresh-per-address", settings.refreshPerAddress(),
                settings.maxKeys(), nanoClock);
        this.refusedLoginPerUsername = refusals(meters, "login-per-username");
        this.refusedLoginPerAddress = refusals(meters, "login-per-address");
        this.refusedSignUpPerAddress = refusals(meters, "sign-up-per-address");
        this.refusedRefreshPerAddress = refusals(meters, "refresh-per-address");
    }

    private static Counter refusals(MeterRegistry meters, String limit) {
        return Counter.builder("parley.rate.limit.refusals")
                .description("Requests refused with 429 by a rate limit")
                .tag("limit", limit)
                .register(meters);
    }

    /**
     * Counts a login attempt: first against the client's address (when it has one, see
     * {@link ClientAddresses}), then against the username, so an address over its limit does not
     * use up the username's attempts.
     *
     * @throws ApiException (429) when either limit is reached
     */
    public void checkLogin(String username, Optional<String> clientAddress) {
        if (!enabled) {
            return;
        }
        if (clientAddress.isPresent()) {
            Optional<Duration> wait = loginPerAddress.tryAcquire(clientAddress.get());
            if (wait.isPresent()) {
                refusedLoginPerAddress.increment();
                throw refused("Too many login attempts from your address", wait.get());
            }
        }
        String key = Usernames.isValid(username) ? Usernames.normalize(username) : NOT_A_USERNAME;
        Optional<Duration> wait = loginPerUsername.tryAcquire(key);
        if (wait.isPresent()) {
            refusedLoginPerUsername.increment();
            throw refused("Too many login attempts for this username", wait.get());
        }
    }

    /**
     * Counts a sign-up attempt against the client's address; a request with no client address
     * (see {@link ClientAddresses}) is not limited.
     *
     * @throws ApiException (429) when the limit is reached
     */
    public void checkSignUp(Optional<String> clientAddress) {
        if (!enabled || clientAddress.isEmpty()) {
            return;
        }
        Optional<Duration> wait = signUpPerAddress.tryAcquire(clientAddress.get());
        if (wait.isPresent()) {
            refusedSignUpPerAddress.increment();
            throw refused("Too many sign-ups from your address", wait.get());
        }
    }

    /**
     * Counts a token refresh against the client's address; a request with no client address is
     * not limited (refresh tokens are 256 random bits: the limit bounds load, guessing is hopeless).
     *
     * @throws ApiException (429) when the limit is reached
     */
    public void checkRefresh(Optional<String> clientAddress) {
        if (!enabled || clientAddress.isEmpty()) {
            return;
        }
        Optional<Duration> wait = refreshPerAddress.tryAcquire(clientAddress.get());
        if (wait.isPresent()) {
            refusedRefreshPerAddress.increment();
            throw refused("Too many token refreshes from your address", wait.get());
        }
    }

    private static ApiException refused(String what, Duration wait) {
        int seconds = (int) Math.max(1, (wait.toNanos() + 999_999_999L) / 1_000_000_000L);
        return ApiException.tooManyRequests(what + "; retry in " + seconds + " s.", seconds);
    }

    /** For tests: how many keys each limit remembers now. */
    int[] rememberedKeys() {
        return new int[] {loginPerUsername.size(), loginPerAddress.size(), signUpPerAddress.size(),
                refreshPerAddress.size()};
    }
}
