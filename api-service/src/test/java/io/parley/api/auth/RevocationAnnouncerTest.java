package io.parley.api.auth;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.parley.common.events.Topics;
import io.parley.common.events.TokensRevoked;
import io.parley.common.web.ApiException;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/** A revocation the chat nodes were not told of must not answer as if it were done: the client retries. */
class RevocationAnnouncerTest {

    @Test
    @SuppressWarnings("unchecked")
    void aFailedPublishIsA503() {
        KafkaTemplate<String, Object> kafka = mock(KafkaTemplate.class);
        when(kafka.send(eq(Topics.TOKEN_REVOCATIONS), anyString(), any()))
                .thenReturn(CompletableFuture.<SendResult<String, Object>>failedFuture(new TimeoutException("broker down")));

        assertThatThrownBy(() -> new RevocationAnnouncer(kafka).announce(TokensRevoked.logout(42, "login", 0)))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> org.assertj.core.api.Assertions.assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
    }
}
