package io.parley.api.ratelimit;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Rate limits of the public, unauthenticated endpoints that cost a bcrypt hash each: login,
 * sign-up and refresh ({@code parley.rate-limits.*}, docs/api.md "Rate limits"). Every limit is per
 * api-service instance.
 *
 * @param enabled          false turns every limit below off
 * @param loginPerUsername login attempts (right or wrong) for one username
 * @param loginPerAddress  login attempts from one client address
 * @param signUpPerAddress sign-up attempts from one client address
 * @param refreshPerAddress token refreshes from one client address (cheap, but each is a
 *                         lightweight transaction; also bounds guessing of refresh tokens)
 * @param maxKeys          most usernames or addresses each limit remembers at once; bounds the
 *                         memory an attacker cycling names or addresses can make it use
 * @param trustedProxies   addresses or CIDR ranges of proxies whose {@code X-Forwarded-For} is
 *                         believed (see {@link ClientAddresses})
 */
@ConfigurationProperties("parley.rate-limits")
public record RateLimitSettings(
        @DefaultValue("true") boolean enabled,
        Limit loginPerUsername,
        Limit loginPerAddress,
        Limit signUpPerAddress,
        Limit refreshPerAddress,
        @DefaultValue("10000") int maxKeys,
        @DefaultValue({"127.0.0.0/8", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"})
        List<String> trustedProxies) {

    /** The defaults when application.yml names none (they match it). */
    static final Limit DEFAULT_LOGIN_PER_USERNAME = new Limit(10, Duration.ofMinutes(5));
    static final Limit DEFAULT_LOGIN_PER_ADDRESS = new Limit(60, Duration.ofMinutes(1));
    static final Limit DEFAULT_SIGN_UP_PER_ADDRESS = new Limit(20, Duration.ofHours(1));
    static final Limit DEFAULT_REFRESH_PER_ADDRESS = new Limit(60, Duration.ofMinutes(1));

    public RateLimitSettings {
        loginPerUsername = loginPerUsername == null ? DEFAULT_LOGIN_PER_USERNAME : loginPerUsername;
        loginPerAddress = loginPerAddress == null ? DEFAULT_LOGIN_PER_ADDRESS : loginPerAddress;
        signUpPerAddress = signUpPerAddress == null ? DEFAULT_SIGN_UP_PER_ADDRESS : signUpPerAddress;
        refreshPerAddress = refreshPerAddress == null ? DEFAULT_REFRESH_PER_ADDRESS : refreshPerAddress;
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        if (maxKeys < 1) {
            throw new IllegalArgumentException("parley.rate-limits.max-keys must be at least 1");
        }
    }

    /**
     * At most {@code limit} attempts in each window of {@code period}; a refused attempt uses none.
     * Windows are fixed and start at a key's first attempt (so a burst at a window's end and the
     * next window's start can reach twice the limit).
     */
    public record Limit(int limit, Duration period) {

        public Limit {
            if (limit < 1 || period == null || period.toMillis() < 1) {
                throw new IllegalArgumentException(
                        "a parley.rate-limits limit needs limit >= 1 and a period of at least 1ms, got "
                                + limit + " per " + period);
            }
        }
    }
}
