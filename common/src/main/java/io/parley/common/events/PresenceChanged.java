package io.parley.common.events;

import java.util.List;

/**
 * A user went online or offline (or changed who may see it), for the listed recipients whose sessions
 * are on the chat node whose presence topic carries this record. Keyed by {@code userId}: what
 * matters is that the changes of one user arrive in order; one record serves every recipient on
 * that node, so a change costs one record per node that holds interested sessions.
 *
 * @param userId     whose presence changed
 * @param online     the new state as these recipients may see it (offline for recipients the user's
 *                   presence visibility does not admit)
 * @param lastSeen   epoch ms of going offline; {@code null} when online or not admitted
 * @param recipients users with sessions on the node that share a conversation with {@code userId};
 *                   all of them are shown the same state
 */
public record PresenceChanged(long userId, boolean online, Long lastSeen, List<Long> recipients) {
}
