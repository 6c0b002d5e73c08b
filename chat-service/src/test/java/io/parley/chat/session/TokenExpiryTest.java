package io.parley.chat.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.parley.chat.ratelimit.SessionBudget;
import io.parley.chat.session.TokenExpiry.Action;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

class TokenExpiryTest {

    private static final long EXPIRES = 1_000_000L;
    private static final long WARNING = 60_000L;

    @Test
    void nothingIsDueLongBeforeTheExpiry() {
        assertThat(TokenExpiry.due(EXPIRES - WARNING - 1, EXPIRES, WARNING, false, true)).isEqualTo(Action.NONE);
    }

    @Test
    void aWelcomedSessionIsWarnedOnceWithinTheWarningTime() {
        assertThat(TokenExpiry.due(EXPIRES - WARNING, EXPIRES, WARNING, false, true)).isEqualTo(Action.WARN);
        assertThat(TokenExpiry.due(EXPIRES - 1, EXPIRES, WARNING, false, true)).isEqualTo(Action.WARN);
        assertThat(TokenExpiry.due(EXPIRES - 1, EXPIRES, WARNING, true, true)).isEqualTo(Action.NONE);
        // nothing may come before welcome
        assertThat(TokenExpiry.due(EXPIRES - 1, EXPIRES, WARNING, false, false)).isEqualTo(Action.NONE);
    }

    @Test
    void atAndAfterTheExpiryTheSessionIsClosedWarnedOrNot() {
        for (boolean warned : new boolean[] {false, true}) {
            for (boolean welcomed : new boolean[] {false, true}) {
                assertThat(TokenExpiry.due(EXPIRES, EXPIRES, WARNING, warned, welcomed)).isEqualTo(Action.CLOSE);
                assertThat(TokenExpiry.due(EXPIRES + 5_000, EXPIRES, WARNING, warned, welcomed)).isEqualTo(Action.CLOSE);
            }
        }
    }

    @Test
    void aPrincipalWithoutATokenNeverExpires() {
        assertThat(TokenExpiry.expiresAtMillis(null)).isEqualTo(TokenExpiry.NEVER);
        assertThat(TokenExpiry.expiresAtMillis(() -> "42")).isEqualTo(TokenExpiry.NEVER);
        assertThat(TokenExpiry.due(Long.MAX_VALUE - 1, TokenExpiry.NEVER, WARNING, false, true)).isEqualTo(Action.NONE);
    }

    @Test
    void theExpiryIsTheTokensExp() {
        Instant exp = Instant.parse("2026-12-07T12:15:00Z");
        Jwt jwt = Jwt.withTokenValue("t").header("alg", "RS256").subject("42")
                .issuedAt(exp.minusSeconds(900)).expiresAt(exp).build();

        assertThat(TokenExpiry.expiresAtMillis(new JwtAuthenticationToken(jwt, AuthorityUtils.NO_AUTHORITIES)))
                .isEqualTo(exp.toEpochMilli());
    }

    @Test
    void aSessionGetsOneTokenExpiringFrameThenIsClosedWith4001() throws Exception {
        Session socket = mock(Session.class);
        when(socket.isOpen()).thenReturn(true);
        SocketWriter writer = new SocketWriter("socket-1", socket, 1 << 20, Duration.ofSeconds(10));
        ChatSession session = new ChatSession("1", 42, writer, new Lane(Runnable::run), new FrameCodec(),
                SessionBudget.UNLIMITED, 0, EXPIRES);
        session.markWelcomed();

        TokenExpiry.check(session, EXPIRES - WARNING - 1, WARNING);
        verify(socket, never()).sendText(any(), any());

        TokenExpiry.check(session, EXPIRES - WARNING + 1, WARNING);
        TokenExpiry.check(session, EXPIRES - 2, WARNING);
        ArgumentCaptor<String> sent = ArgumentCaptor.forClass(String.class);
        verify(socket, times(1)).sendText(sent.capture(), any());
        assertThat(sent.getValue()).isEqualTo("{\"type\":\"token_expiring\",\"expiresAt\":" + EXPIRES + "}");
        verify(socket, never()).close(anyInt(), any(), any());

        TokenExpiry.check(session, EXPIRES, WARNING);
        verify(socket).close(eq(4001), eq("token expired"), any());
    }
}
