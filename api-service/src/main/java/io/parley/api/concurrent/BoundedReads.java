package io.parley.api.concurrent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * Runs one async read per item with at most {@code maxInFlight} outstanding: parallel enough to
 * cost about one round trip per {@code maxInFlight} items, bounded so that a user with a thousand
 * conversations does not put a thousand requests on the driver's connections at once.
 */
public final class BoundedReads {

    private BoundedReads() {
    }

    /** The results in the order of {@code items}; fails with the first failed read. */
    public static <T, R> CompletableFuture<List<R>> map(List<T> items, int maxInFlight,
            Function<? super T, ? extends CompletionStage<R>> read) {
        CompletableFuture<List<R>> done = new CompletableFuture<>();
        if (items.isEmpty()) {
            done.complete(List.of());
            return done;
        }
        AtomicReferenceArray<R> results = new AtomicReferenceArray<>(items.size());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger remaining = new AtomicInteger(items.size());
        Runnable lane = new Runnable() {
            @Override
            public void run() {
                int index = next.getAndIncrement();
                if (index >= items.size() || done.isDone()) {
                    return;
                }
                CompletionStage<R> stage;
                try {
                    stage = read.apply(items.get(index));
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                    return;
                }
                stage.whenComplete((result, failure) -> {
                    if (failure != null) {
                        done.completeExceptionally(failure);
                        return;
                    }
                    results.set(index, result);
                    if (remaining.decrementAndGet() == 0) {
                        List<R> ordered = new ArrayList<>(items.size());
                        for (int i = 0; i < items.size(); i++) {
                            ordered.add(results.get(i));
                        }
                        done.complete(ordered);
                    } else {
                        run(); // this lane takes the next item
                    }
                });
            }
        };
        for (int i = 0; i < Math.min(maxInFlight, items.size()); i++) {
            lane.run();
        }
        return done;
    }
}
