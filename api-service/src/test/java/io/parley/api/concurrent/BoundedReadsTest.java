package io.parley.api.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BoundedReadsTest {

    @Test
    void neverMoreThanTheBoundInFlightAndResultsKeepTheItemsOrder() {
        List<Integer> items = IntStream.range(0, 50).boxed().toList();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger highest = new AtomicInteger();
        ConcurrentLinkedQueue<CompletableFuture<Integer>> pending = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Integer> pendingItems = new ConcurrentLinkedQueue<>();

        CompletableFuture<List<Integer>> all = BoundedReads.map(items, 4, item -> {
            highest.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            CompletableFuture<Integer> read = new CompletableFuture<>();
            pending.add(read);
            pendingItems.add(item);
            return read;
        });
        // complete the reads out of order, newest first, one batch at a time
        while (!all.isDone()) {
            List<CompletableFuture<Integer>> batch = new ArrayList<>(pending);
            List<Integer> batchItems = new ArrayList<>(pendingItems);
            pending.clear();
            pendingItems.clear();
            for (int i = batch.size() - 1; i >= 0; i--) {
                inFlight.decrementAndGet();
                batch.get(i).complete(batchItems.get(i) * 10);
            }
        }

        assertThat(highest.get()).isEqualTo(4);
        assertThat(all.join()).containsExactlyElementsOf(items.stream().map(i -> i * 10).toList());
    }

    @Test
    void aFailedReadFailsTheWholeAndStopsStartingNewOnes() {
        AtomicInteger started = new AtomicInteger();
        CompletableFuture<List<Integer>> all = BoundedReads.map(List.of(1, 2, 3, 4, 5), 1, item -> {
            started.incrementAndGet();
            return item == 2 ? CompletableFuture.failedFuture(new IllegalStateException("boom"))
                    : CompletableFuture.completedFuture(item);
        });

        assertThatThrownBy(all::join).isInstanceOf(CompletionException.class).hasRootCauseMessage("boom");
        assertThat(started.get()).isEqualTo(2);
        assertThat(BoundedReads.map(List.<Integer>of(), 3, CompletableFuture::completedFuture).join()).isEmpty();
    }
}
