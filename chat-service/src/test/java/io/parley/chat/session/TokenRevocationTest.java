package io.parley.chat.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.common.events.TokensRevoked;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

class TokenRevocationTest {

    private static final long CHANGE = Instant.parse("2026-12-07T12:00:00.700Z").toEpochMilli();
    private static final long SECOND_OF_CHANGE = Instant.parse("2026-12-07T12:00:00Z").toEpochMilli();

    @Test
    void aLogoutEndsTheSessionsOfThatLoginOnly() {
        TokensRevoked logout = TokensRevoked.logout(42, "login-1", CHANGE);

        assertThat(TokenRevocation.revokes(logout, "login-1", SECOND_OF_CHANGE - 60_000)).isTrue();
        assertThat(TokenRevocation.revokes(logout, "login-2", SECOND_OF_CHANGE - 60_000)).isFalse();
        // a token without the claim (issued before it existed) belongs to no login a logout can name
        assertThat(TokenRevocation.revokes(logout, null, SECOND_OF_CHANGE - 60_000)).isFalse();
    }

    @Test
    void aPasswordChangeEndsTheListedLoginsAndEveryTokenIssuedBeforeIt() {
        TokensRevoked change = TokensRevoked.everyLogin(42, List.of("login-1"), CHANGE);

        assertThat(TokenRevocation.revokes(change, "login-1", SECOND_OF_CHANGE)).isTrue();
        assertThat(TokenRevocation.revokes(change, "unlisted", SECOND_OF_CHANGE - 1_000)).isTrue();
        assertThat(TokenRevocation.revokes(change, null, SECOND_OF_CHANGE + 5_000)).isTrue();
        assertThat(TokenRevocation.revokes(change, null, TokenRevocation.UNKNOWN_ISSUE_TIME)).isTrue();
    }

    @Test
    void aPasswordChangeKeepsTheLoginItStartsEvenInTheSameSecond() {
        TokensRevoked change = TokensRevoked.everyLogin(42, List.of("old"), CHANGE);

        // iat has whole seconds: the new login's token says 12:00:00 although issued after 12:00:00.700
        assertThat(TokenRevocation.revokes(change, "new", SECOND_OF_CHANGE)).isFalse();
        assertThat(TokenRevocation.revokes(change, "new", SECOND_OF_CHANGE + 1_000)).isFalse();
    }

    @Test
    void theLoginAndIssueTimeComeFromTheHandshakeToken() {
        Instant iat = Instant.parse("2026-12-07T11:59:00Z");
        Jwt withLogin = Jwt.withTokenValue("t").header("alg", "RS256").subject("42").claim("sid", "login-1")
                .issuedAt(iat).expiresAt(iat.plusSeconds(900)).build();
        Jwt old = Jwt.withTokenValue("t").header("alg", "RS256").subject("42")
                .issuedAt(iat).expiresAt(iat.plusSeconds(900)).build();

        var principal = new JwtAuthenticationToken(withLogin, AuthorityUtils.NO_AUTHORITIES);
        assertThat(TokenRevocation.loginOf(principal)).isEqualTo("login-1");
        assertThat(TokenRevocation.issuedAtMillis(principal)).isEqualTo(iat.toEpochMilli());
        assertThat(TokenRevocation.loginOf(new JwtAuthenticationToken(old, AuthorityUtils.NO_AUTHORITIES))).isNull();
        assertThat(TokenRevocation.loginOf(() -> "42")).isNull();
        assertThat(TokenRevocation.issuedAtMillis(() -> "42")).isEqualTo(TokenRevocation.UNKNOWN_ISSUE_TIME);
    }
}
