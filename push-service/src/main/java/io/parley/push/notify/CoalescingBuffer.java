package io.parley.push.notify;

import io.parley.push.notify.PendingNotification.GroupKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The open coalescing windows, one per (recipient, conversation). Pure bookkeeping (no clock, no
 * I/O): the caller starts a timer when {@link #add} opens a group and calls {@link #take} when it
 * fires. Thread-safe: Kafka consumer threads add, sender threads take.
 */
final class CoalescingBuffer {

    /**
     * The messages collected for one (recipient, conversation), de-duplicated by message id (a
     * redelivered or re-published request joins the group it is already in).
     */
    static final class Group {
        private final GroupKey key;
        private final int partition;
        private final Map<Long, PendingNotification> byMessageId = new LinkedHashMap<>();

        private Group(GroupKey key, int partition) {
            this.key = key;
            this.partition = partition;
        }

        GroupKey key() {
            return key;
        }

        int partition() {
            return partition;
        }

        /** The distinct messages, in the order they arrived. */
        List<PendingNotification> notifications() {
            return List.copyOf(byMessageId.values());
        }
    }

    private final Map<GroupKey, Group> open = new HashMap<>();

    /**
     * Adds a request to its group, opening the group if there is none.
     *
     * @return the group, if this call opened it (the caller starts its window); empty if it joined one
     */
    synchronized Optional<Group> add(PendingNotification notification) {
        Group existing = open.get(notification.group());
        if (existing != null) {
            existing.byMessageId.putIfAbsent(notification.message().messageId(), notification);
            return Optional.empty();
        }
        Group group = new Group(notification.group(), notification.partition());
        group.byMessageId.put(notification.message().messageId(), notification);
        open.put(group.key(), group);
        return Optional.of(group);
    }

    /**
     * Closes the group's window: it is removed and nothing joins it any more. Returns false if that
     * group is no longer open (forgotten after a rebalance, or already taken), so a stale timer
     * cannot take a newer group of the same key early.
     */
    synchronized boolean take(Group group) {
        return open.remove(group.key(), group);
    }

    /**
     * Drops the groups of partitions this instance no longer owns: their requests are still in
     * {@code push_pending} and the partitions' new owner reloads and notifies them.
     *
     * @return how many groups were dropped
     */
    synchronized int forget(Collection<Integer> partitions) {
        List<GroupKey> dropped = new ArrayList<>();
        open.forEach((key, group) -> {
            if (partitions.contains(group.partition())) {
                dropped.add(key);
            }
        });
        dropped.forEach(open::remove);
        return dropped.size();
    }

    synchronized int openGroups() {
        return open.size();
    }
}
