package io.parley.chat.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class WriteCoalescerTest {

    /** A store whose requests complete when the test says so. */
    private static final class Requests {
        final List<List<String>> sent = new ArrayList<>();
        final List<CompletableFuture<Void>> answers = new ArrayList<>();

        CompletionStage<?> send(List<String> rows) {
            sent.add(rows);
            CompletableFuture<Void> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        }
    }

    private final Requests requests = new Requests();
    private final WriteCoalescer<String> writes = new WriteCoalescer<>(requests::send, 2, 3);

    @Test
    void aRowWithRoomInFlightGoesAtOnceAlone() {
        CompletableFuture<Void> a = writes.write("a");
        CompletableFuture<Void> b = writes.write("b");

        assertThat(requests.sent).containsExactly(List.of("a"), List.of("b"));
        assertThat(a).isNotDone();
        requests.answers.get(0).complete(null);
        assertThat(a).isCompleted();
        assertThat(b).isNotDone();
    }

    @Test
    void rowsThatArriveWhileTheLimitIsOutGoTogetherWhenARequestEnds() {
        writes.write("a");
        writes.write("b");
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        for (String row : List.of("c", "d", "e", "f")) {
            queued.add(writes.write(row));
        }
        assertThat(requests.sent).hasSize(2);

        requests.answers.get(0).complete(null);
        assertThat(requests.sent).hasSize(3);
        assertThat(requests.sent.get(2)).containsExactly("c", "d", "e");
        requests.answers.get(1).complete(null);
        assertThat(requests.sent.get(3)).containsExactly("f");

        requests.answers.get(2).complete(null);
        assertThat(queued.subList(0, 3)).allMatch(CompletableFuture::isDone);
        assertThat(queued.get(3)).isNotDone();
        requests.answers.get(3).complete(null);
        assertThat(queued.get(3)).isCompleted();
    }

    @Test
    void aFailedRequestFailsEveryRowInItAndTheNextRequestStillGoes() {
        writes.write("a");
        writes.write("b");
        CompletableFuture<Void> c = writes.write("c");
        CompletableFuture<Void> d = writes.write("d");

        requests.answers.get(0).complete(null);
        RuntimeException down = new RuntimeException("Cassandra down");
        requests.answers.get(2).completeExceptionally(down);
        assertThat(c).isCompletedExceptionally();
        assertThat(d).isCompletedExceptionally();

        CompletableFuture<Void> e = writes.write("e");
        assertThat(requests.sent.get(3)).containsExactly("e");
        requests.answers.get(3).complete(null);
        assertThat(e).isCompleted();
    }

    @Test
    void aRequestThatThrowsBeforeSendingFailsItsRowsAndFreesItsPlace() {
        List<List<String>> attempts = new ArrayList<>();
        WriteCoalescer<String> failing = new WriteCoalescer<>(rows -> {
            attempts.add(rows);
            throw new IllegalStateException("no connection");
        }, 1, 10);

        CompletableFuture<Void> a = failing.write("a");
        CompletableFuture<Void> b = failing.write("b");

        assertThat(a).isCompletedExceptionally();
        assertThat(b).isCompletedExceptionally();
        assertThat(attempts).containsExactly(List.of("a"), List.of("b"));
    }

    @Test
    void limitsMustBePositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> new WriteCoalescer<String>(requests::send, 0, 1));
        assertThatIllegalArgumentException().isThrownBy(() -> new WriteCoalescer<String>(requests::send, 1, 0));
    }
}
