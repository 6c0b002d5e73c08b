package io.parley.chat.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.parley.chat.session.TokenExpiry.Action;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

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
        WebSocketSession socket = mock(WebSocketSession.class);
        when(socket.isOpen()).thenReturn(true);
        ChatSession session = new ChatSession("1", 42, socket, new Lane(Runnable::run), new FrameCodec(), 0, EXPIRES);
        session.markWelcomed();

        TokenExpiry.check(session, EXPIRES - WARNING - 1, WARNING);
        verify(socket, never()).sendMessage(any());

        TokenExpiry.check(session, EXPIRES - WARNING + 1, WARNING);
        TokenExpiry.check(session, EXPIRES - 2, WARNING);
        ArgumentCaptor<TextMessage> sent = ArgumentCaptor.forClass(TextMessage.class);
        verify(socket, times(1)).sendMessage(sent.capture());
        assertThat(sent.getValue().getPayload()).isEqualTo("{\"type\":\"token_expiring\",\"expiresAt\":" + EXPIRES + "}");
        verify(socket, never()).close(any());

        TokenExpiry.check(session, EXPIRES, WARNING);
        ArgumentCaptor<CloseStatus> closed = ArgumentCaptor.forClass(CloseStatus.class);
        verify(socket).close(closed.capture());
        assertThat(closed.getValue().getCode()).isEqualTo(4001);
        assertThat(List.of(closed.getValue().getReason())).containsExactly("token expired");
    }
}
