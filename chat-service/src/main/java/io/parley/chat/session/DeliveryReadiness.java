package io.parley.chat.session;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Whether this node's delivery consumer is reading its topic yet. A session is welcomed only
 * after that: its welcome tells the client it may sync, and from then on every message must reach
 * it either by sync or live; a consumer that starts at "latest" after the welcome could skip one.
 */
@Component
public class DeliveryReadiness {

    private final CountDownLatch ready = new CountDownLatch(1);

    /** Called by the delivery consumer once it has positions on all its partitions. */
    public void markReady() {
        ready.countDown();
    }

    public boolean isReady() {
        return ready.getCount() == 0;
    }

    boolean await(Duration timeout) throws InterruptedException {
        return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
