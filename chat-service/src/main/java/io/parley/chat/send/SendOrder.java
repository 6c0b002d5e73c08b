package io.parley.chat.send;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Keeps one session's sends in frame order on their way to Kafka while their claims overlap: a
 * send's record is handed to the producer only after its claim is written and the record of every
 * earlier send of the session was handed over (or its send failed). One per session.
 */
public final class SendOrder {

    private CompletableFuture<Void> handedOver = CompletableFuture.completedFuture(null);

    /**
     * Runs {@code publish} with the claim's result once the claim is done and every earlier send
     * was handed over; completes with what the publish completes with.
     */
    synchronized <C, R> CompletableFuture<R> publishInOrder(CompletableFuture<C> claim,
                                                           Function<C, CompletableFuture<R>> publish) {
        CompletableFuture<CompletableFuture<R>> sent = handedOver.thenCombine(claim, (previous, claimed) -> publish.apply(claimed));
        handedOver = sent.handle((ignored, failure) -> null);
        return sent.thenCompose(Function.identity());
    }
}
