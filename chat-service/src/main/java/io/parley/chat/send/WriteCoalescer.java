package io.parley.chat.send;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Writes rows of independent callers, at most {@code maxInFlight} requests at a time; rows that
 * arrive while that many are out go together, up to {@code maxPerRequest}, in the next request
 * (group commit). With nothing in flight a row goes at once, alone: no wait is added while the
 * store keeps up. Under load the requests fill, which is when a request's fixed cost matters: on
 * this kind of machine Cassandra spends more on taking up a request than on the few cells a claim
 * row carries.
 *
 * <p>Each caller's future completes when its request does, and fails with it: an unlogged batch
 * may be applied in part, which is harmless for rows that a retry reads back or writes again.
 *
 * @param <T> a row (a bound statement); the request function turns one or more into one request
 */
final class WriteCoalescer<T> {

    private record Pending<T>(T row, CompletableFuture<Void> written) {
    }

    private final Function<List<T>, CompletionStage<?>> request;
    private final int maxInFlight;
    private final int maxPerRequest;
    private final Queue<Pending<T>> waiting = new ArrayDeque<>();
    private int inFlight;

    WriteCoalescer(Function<List<T>, CompletionStage<?>> request, int maxInFlight, int maxPerRequest) {
        if (maxInFlight < 1 || maxPerRequest < 1) {
            throw new IllegalArgumentException("maxInFlight and maxPerRequest must be positive");
        }
        this.request = request;
        this.maxInFlight = maxInFlight;
        this.maxPerRequest = maxPerRequest;
    }

    CompletableFuture<Void> write(T row) {
        Pending<T> pending = new Pending<>(row, new CompletableFuture<>());
        List<Pending<T>> next;
        synchronized (this) {
            waiting.add(pending);
            next = takeNextRequest();
        }
        send(next);
        return pending.written();
    }

    /** The rows of the next request if one may go out now; the caller holds the lock. */
    private List<Pending<T>> takeNextRequest() {
        if (inFlight >= maxInFlight || waiting.isEmpty()) {
            return null;
        }
        inFlight++;
        List<Pending<T>> rows = new ArrayList<>(Math.min(waiting.size(), maxPerRequest));
        while (rows.size() < maxPerRequest && !waiting.isEmpty()) {
            rows.add(waiting.poll());
        }
        return rows;
    }

    private void send(List<Pending<T>> rows) {
        while (rows != null) {
            CompletionStage<?> sent;
            try {
                sent = request.apply(rows.stream().map(Pending::row).toList());
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            CompletableFuture<?> done = sent.toCompletableFuture();
            if (!done.isDone()) {
                List<Pending<T>> these = rows;
                done.whenComplete((result, failure) -> {
                    // The next request goes out before this one's callers run their continuations.
                    send(release());
                    complete(these, failure);
                });
                return;
            }
            // Done already (it failed before anything was sent): go on here instead of recursing.
            complete(rows, done.handle((result, failure) -> failure).join());
            rows = release();
        }
    }

    /** Ends a request; returns the rows of the next one if one may go now. */
    private List<Pending<T>> release() {
        synchronized (this) {
            inFlight--;
            return takeNextRequest();
        }
    }

    private static <T> void complete(List<Pending<T>> rows, Throwable failure) {
        for (Pending<T> pending : rows) {
            if (failure == null) {
                pending.written().complete(null);
            } else {
                pending.written().completeExceptionally(failure);
            }
        }
    }
}
