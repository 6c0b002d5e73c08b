package io.parley.api.auth;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.api.ratelimit.AuthRateLimits;
import io.parley.api.ratelimit.RateLimitSettings;
import io.parley.common.web.ApiException;
import io.parley.api.user.UserService;
import io.parley.common.web.ApiException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.password.PasswordEncoder;

/** A refused login must cost neither a user lookup nor a bcrypt hash: that is what the limit is for. */
class LoginServiceRateLimitTest {

    @Test
    void aLoginRefusedByTheLimitLooksUpAndHashesNothing() {
        UserService users = mock(UserService.class);
        PasswordEncoder encoder = mock(PasswordEncoder.class);
        when(encoder.encode(anyString())).thenReturn("$dummy");
        when(users.findByUsername(anyString())).thenReturn(Optional.empty());
        RateLimitSettings settings = new RateLimitSettings(true,
                new RateLimitSettings.Limit(2, Duration.ofMinutes(5)), null, null, null, 100, List.of());
        LoginService login = new LoginService(users, encoder, mock(RefreshTokens.class),
                new AuthRateLimits(settings, new SimpleMeterRegistry()));
        LoginRequest wrong = new LoginRequest("mallory", "not-the-password");

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> login.login(wrong, Optional.empty())).isInstanceOf(ApiException.class);
        }
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> login.login(wrong, Optional.empty())).isInstanceOf(ApiException.class);
        }

        verify(users, times(2)).findByUsername("mallory");
        verify(encoder, times(2)).matches("not-the-password", "$dummy");
    }
}
