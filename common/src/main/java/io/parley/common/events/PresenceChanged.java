package io.parley.common.events;

import java.util.List;

/**
 * A user went online or offline (or hid their presence), for the listed recipients whose sessions
 * are on the chat node whose presence topic carries this record. Keyed by {@code userId}: what
 * matters is that the changes of one user arrive in order; one record serves every recipient on
 * that node, so a change costs one record per node that holds interested sessions.
 *
 * @param userId     whose presence changed
 * @param online     the new state as others may see it (a hidden user is always offline)
 * @param lastSeen   epoch ms of going offline; {@code null} when online or hidden
 * @param recipients users with sessions on the node that share a conversation with {@code userId}
 */
public record PresenceChanged(long userId, boolean online, Long lastSeen, List<Long> recipients) {
}
