package io.parley.chat.store;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * Packs groups of rows into as few multi-partition batches as stay within Cassandra's batch
 * warnings. Order is kept and a group is never split; a group over either bound on its own still
 * gets a batch of its own (the caller decides what is small enough to pack).
 */
final class BatchPacking {

    private BatchPacking() {
    }

    static <T> List<List<T>> pack(List<T> groups, ToIntFunction<T> partitions, ToLongFunction<T> bytes,
                                  int maxPartitions, long maxBytes) {
        List<List<T>> batches = new ArrayList<>();
        List<T> current = new ArrayList<>();
        int currentPartitions = 0;
        long currentBytes = 0;
        for (T group : groups) {
            int groupPartitions = partitions.applyAsInt(group);
            long groupBytes = bytes.applyAsLong(group);
            if (!current.isEmpty() && (currentPartitions + groupPartitions > maxPartitions
                    || currentBytes + groupBytes > maxBytes)) {
                batches.add(current);
                current = new ArrayList<>();
                currentPartitions = 0;
                currentBytes = 0;
            }
            current.add(group);
            currentPartitions += groupPartitions;
            currentBytes += groupBytes;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }
}
