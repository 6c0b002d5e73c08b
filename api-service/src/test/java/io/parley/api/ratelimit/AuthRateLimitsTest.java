package io.parley.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.common.web.ApiException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AuthRateLimitsTest {

    private final AtomicLong nanos = new AtomicLong();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private AuthRateLimits limits(boolean enabled) {
        RateLimitSettings settings = new RateLimitSettings(enabled,
                new RateLimitSettings.Limit(2, Duration.ofSeconds(30)),
                new RateLimitSettings.Limit(3, Duration.ofSeconds(60)),
                new RateLimitSettings.Limit(1, Duration.ofSeconds(90)),
                new RateLimitSettings.Limit(2, Duration.ofSeconds(60)), 1000, List.of());
        return new AuthRateLimits(settings, meters, nanos::get);
    }

    private static final Optional<String> ADDRESS = Optional.of("198.51.100.7");

    @Test
    void loginIsLimitedPerUsernameWhateverTheCase() {
        AuthRateLimits limits = limits(true);
        limits.checkLogin("alice", Optional.empty());
        limits.checkLogin("ALICE", Optional.empty());
        nanos.addAndGet(Duration.ofMillis(10_500).toNanos());

        ApiException refused = catchThrowableOfType(ApiException.class,
                () -> limits.checkLogin("Alice", Optional.empty()));

        assertThat(refused.status().value()).isEqualTo(429);
        assertThat(refused.getMessage()).startsWith("Too many login attempts for this username");
        assertThat(refused.retryAfterSeconds()).as("19.5 s left, rounded up").isEqualTo(20);
        assertThatNoException().isThrownBy(() -> limits.checkLogin("bob", Optional.empty()));
        assertThat(meters.get("parley.rate.limit.refusals").tag("limit", "login-per-username").counter().count())
                .isEqualTo(1);
    }

    @Test
    void loginIsLimitedPerAddressAcrossUsernamesAndARefusalThereSparesTheUsername() {
        AuthRateLimits limits = limits(true);
        limits.checkLogin("u1", ADDRESS);
        limits.checkLogin("u2", ADDRESS);
        limits.checkLogin("carol", ADDRESS);

        ApiException refused = catchThrowableOfType(ApiException.class,
                () -> limits.checkLogin("carol", ADDRESS));

        assertThat(refused.getMessage()).startsWith("Too many login attempts from your address");
        assertThat(refused.retryAfterSeconds()).isEqualTo(60);
        // the address refusal took none of carol's two attempts: she has one left elsewhere
        assertThatNoException().isThrownBy(() -> limits.checkLogin("carol", Optional.of("203.0.113.1")));
        assertThat(catchThrowableOfType(ApiException.class,
                () -> limits.checkLogin("carol", Optional.of("203.0.113.1")))).isNotNull();
    }

    @Test
    void namesThatCannotBeUsernamesShareOneCount() {
        AuthRateLimits limits = limits(true);
        limits.checkLogin("no spaces allowed", Optional.empty());
        limits.checkLogin("x".repeat(200), Optional.empty());

        assertThat(catchThrowableOfType(ApiException.class,
                () -> limits.checkLogin("n\u00e9e", Optional.empty()))).isNotNull();
        assertThat(limits.rememberedKeys()[0]).isEqualTo(1);
    }

    @Test
    void signUpIsLimitedPerAddressOnlyWhenTheClientHasOne() {
        AuthRateLimits limits = limits(true);
        limits.checkSignUp(ADDRESS);

        assertThat(catchThrowableOfType(ApiException.class, () -> limits.checkSignUp(ADDRESS))
                .getMessage()).startsWith("Too many sign-ups from your address");
        for (int i = 0; i < 5; i++) {
            assertThatNoException().isThrownBy(() -> limits.checkSignUp(Optional.empty()));
        }
        nanos.addAndGet(Duration.ofSeconds(90).toNanos());
        assertThatNoException().isThrownBy(() -> limits.checkSignUp(ADDRESS));
    }

    @Test
    void refreshIsLimitedPerAddressOnlyWhenTheClientHasOne() {
        AuthRateLimits limits = limits(true);
        limits.checkRefresh(ADDRESS);
        limits.checkRefresh(ADDRESS);

        ApiException refused = catchThrowableOfType(ApiException.class, () -> limits.checkRefresh(ADDRESS));
        assertThat(refused.getMessage()).startsWith("Too many token refreshes from your address");
        assertThat(refused.retryAfterSeconds()).isEqualTo(60);
        assertThatNoException().isThrownBy(() -> limits.checkRefresh(Optional.of("203.0.113.1")));
        assertThatNoException().isThrownBy(() -> limits.checkRefresh(Optional.empty()));
        nanos.addAndGet(Duration.ofSeconds(60).toNanos());
        assertThatNoException().isThrownBy(() -> limits.checkRefresh(ADDRESS));
    }

    @Test
    void disabledLimitsRefuseNothing() {
        AuthRateLimits limits = limits(false);
        for (int i = 0; i < 20; i++) {
            limits.checkLogin("alice", ADDRESS);
            limits.checkSignUp(ADDRESS);
            limits.checkRefresh(ADDRESS);
        }
    }
}
