package io.parley.chat.conversation;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.chat.config.ChatSettings;
import io.parley.id.IdGenerator;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Who is in which conversation, as the chat tier needs it: membership checks on every send,
 * the member list for fan-out, and finding or creating 1:1 conversations.
 *
 * <p>Members are cached for {@code parley.chat.membership-cache-ttl} (a send and the fan-out of
 * every message read them); only non-empty answers are cached, so a conversation created a moment
 * after a miss is seen at once.
 */
@Component
public class Conversations {

    static final String DIRECT = "direct";
    /**
     * Bounds the pair cache and the kind cache (a few hundred bytes an entry); a dropped entry costs
     * its reads once more.
     */
    static final int MAX_KNOWN_DIRECT = 200_000;

    private final CqlSession session;
    private final IdGenerator ids;
    private final Clock clock;
    private final long cacheTtlMillis;
    private final ConcurrentHashMap<Long, CachedMembers> membersCache = new ConcurrentHashMap<>();
    /**
     * 1:1 conversations by (low, high) user pair, once their rows are known to be written. A pair's
     * conversation never changes and neither do its members, so this never goes stale; it saves the
     * two reads (recipient exists, pair lookup) every 1:1 send used to make.
     */
    private final ConcurrentHashMap<List<Long>, Long> directByPair = new ConcurrentHashMap<>();
    /**
     * What each conversation this node was asked about is: a 1:1 conversation with its two members
     * (fixed for ever), or a group (whose members change, so they are always read). A kind never
     * changes, so this never goes stale either; it saves the member read of every 1:1 send.
     */
    private final ConcurrentHashMap<Long, Kind> kinds = new ConcurrentHashMap<>();

    private final PreparedStatement selectMembers;
    private final PreparedStatement selectMember;
    private final PreparedStatement selectUser;
    private final PreparedStatement selectKind;
    private final PreparedStatement selectDirect;
    private final PreparedStatement claimDirect;
    private final PreparedStatement insertConversation;
    private final PreparedStatement insertMember;
    private final PreparedStatement insertUserConversation;

    Conversations(CqlSession session, ChatSettings settings, IdGenerator ids, Clock clock) {
        this.session = session;
        this.ids = ids;
        this.clock = clock;
        this.cacheTtlMillis = settings.membershipCacheTtl().toMillis();
        this.selectMembers = session.prepare("SELECT user_id FROM conversation_members WHERE conversation_id = ?");
        this.selectMember = session.prepare(
                "SELECT user_id FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
        this.selectUser = session.prepare("SELECT user_id FROM users WHERE user_id = ?");
        this.selectKind = session.prepare("SELECT kind FROM conversations WHERE conversation_id = ?");
        this.selectDirect = session.prepare(
                "SELECT conversation_id FROM direct_conversations WHERE user_low = ? AND user_high = ?");
        this.claimDirect = session.prepare(
                "INSERT INTO direct_conversations (user_low, user_high, conversation_id) VALUES (?, ?, ?) IF NOT EXISTS");
        this.insertConversation = session.prepare(
                "INSERT INTO conversations (conversation_id, kind, created_at) VALUES (?, ?, ?)");
        this.insertMember = session.prepare(
                "INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (?, ?, ?)");
        this.insertUserConversation = session.prepare(
                "INSERT INTO user_conversations (user_id, conversation_id, joined_at) VALUES (?, ?, ?)");
    }

    /**
     * The members of a conversation, possibly up to the cache TTL old; empty when it does not
     * exist. Good for presence and other hints; never for deciding who may send or receive a
     * message of a group (members change): use {@link #isMemberNow} and {@link #currentMembers}.
     */
    public Set<Long> members(long conversationId) {
        long now = clock.millis();
        CachedMembers cached = membersCache.get(conversationId);
        if (cached != null && cached.expiresAt > now) {
            return cached.members;
        }
        return currentMembers(conversationId);
    }

    /**
     * The members as stored right now (one partition read; refreshes the cache). The sequencer
     * reads this for every message's fan-out, after applying any membership change of earlier
     * seqs, so a member removed at seq N receives nothing sequenced after N, whichever node
     * sequences it (a cached set could be up to the TTL stale on a node that just took over the
     * conversation's partition).
     */
    public Set<Long> currentMembers(long conversationId) {
        long now = clock.millis();
        Set<Long> members = new HashSet<>();
        for (Row row : session.execute(selectMembers.bind(conversationId))) {
            members.add(row.getLong("user_id"));
        }
        Set<Long> result = Set.copyOf(members);
        if (cacheTtlMillis > 0 && !result.isEmpty()) {
            membersCache.put(conversationId, new CachedMembers(result, now + cacheTtlMillis));
            evictExpiredIfLarge(now);
        }
        return result;
    }

    public boolean isMember(long conversationId, long userId) {
        return members(conversationId).contains(userId);
    }

    /**
     * Whether the user is a member right now. The send path uses this. For a group it is one
     * single-row read, never a cache, so a member removed from a group can no longer send the
     * moment the removal is applied (not up to the cache TTL later). A 1:1 conversation's members
     * never change, so once its kind is known (one read per conversation and node) it costs nothing.
     */
    public boolean isMemberNow(long conversationId, long userId) {
        Kind kind = kindOf(conversationId);
        if (kind != null && kind.direct()) {
            return kind.members().contains(userId);
        }
        return session.execute(selectMember.bind(conversationId, userId)).one() != null;
    }

    /**
     * {@link #isMemberNow}, with a group's read not waited for here: the send path checks a
     * session's next frames while this read is out, so one session's group sends are not paced by
     * a Cassandra round trip each. Fails as the read fails.
     */
    public CompletableFuture<Boolean> isMemberNowAsync(long conversationId, long userId) {
        Kind kind = kindOf(conversationId);
        if (kind != null && kind.direct()) {
            return CompletableFuture.completedFuture(kind.members().contains(userId));
        }
        return session.executeAsync(selectMember.bind(conversationId, userId)).toCompletableFuture()
                .thenApply(found -> found.one() != null);
    }

    /** The conversation's kind, read once; null while it does not exist (or its rows are not all there yet). */
    private Kind kindOf(long conversationId) {
        Kind known = kinds.get(conversationId);
        if (known != null) {
            return known;
        }
        Row row = session.execute(selectKind.bind(conversationId)).one();
        if (row == null || row.isNull("kind")) {
            return null;
        }
        Kind kind;
        if (DIRECT.equals(row.getString("kind"))) {
            Set<Long> members = currentMembers(conversationId);
            if (members.size() != 2) {
                return null; // its rows are still being written
            }
            kind = new Kind(true, members);
        } else {
            kind = new Kind(false, Set.of());
        }
        remember(conversationId, kind);
        return kind;
    }

    private void remember(long conversationId, Kind kind) {
        if (kinds.size() >= MAX_KNOWN_DIRECT) {
            kinds.clear();
        }
        kinds.put(conversationId, kind);
    }

    /**
     * The other member, if the conversation is a 1:1 conversation of the user whose kind this
     * node already knows (the send path learnt it checking membership); never reads.
     */
    public OptionalLong knownDirectPeer(long conversationId, long userId) {
        Kind kind = kinds.get(conversationId);
        if (kind == null || !kind.direct() || !kind.members().contains(userId)) {
            return OptionalLong.empty();
        }
        for (long member : kind.members()) {
            if (member != userId) {
                return OptionalLong.of(member);
            }
        }
        return OptionalLong.empty();
    }

    /** Drops the cached members of a conversation (its membership just changed). */
    public void forget(long conversationId) {
        membersCache.remove(conversationId);
    }

    public boolean userExists(long userId) {
        return session.execute(selectUser.bind(userId)).one() != null;
    }

    /** The 1:1 conversation of two users if this node already found or created it. */
    public OptionalLong knownDirectConversation(long userA, long userB) {
        Long known = directByPair.get(List.of(Math.min(userA, userB), Math.max(userA, userB)));
        return known == null ? OptionalLong.empty() : OptionalLong.of(known);
    }

    /**
     * Finds or creates the 1:1 conversation of two users. The pair is claimed in
     * {@code direct_conversations} with IF NOT EXISTS, so when two nodes race for a first message
     * one claim wins and both use its id. The member rows are written by whoever finds them
     * missing (a logged batch, idempotent), so a node that crashed right after its claim leaves
     * nothing half-made for long.
     */
    public long directConversation(long userA, long userB) {
        if (userA == userB) {
            throw new IllegalArgumentException("a direct conversation needs two different users");
        }
        long low = Math.min(userA, userB);
        long high = Math.max(userA, userB);
        Row existing = session.execute(selectDirect.bind(low, high)).one();
        long conversationId;
        if (existing != null) {
            conversationId = existing.getLong("conversation_id");
        } else {
            long candidate = ids.nextId();
            Row claim = session.execute(claimDirect.bind(low, high, candidate)).one();
            // Not applied: someone else claimed the pair first; the LWT returns their row.
            conversationId = claim.getBoolean("[applied]") ? candidate : claim.getLong("conversation_id");
        }
        Set<Long> members = members(conversationId);
        if (!members.contains(low) || !members.contains(high)) {
            writeDirectRows(conversationId, low, high);
        }
        if (directByPair.size() >= MAX_KNOWN_DIRECT) {
            directByPair.clear();
        }
        directByPair.put(List.of(low, high), conversationId);
        remember(conversationId, new Kind(true, Set.of(low, high)));
        return conversationId;
    }

    private void writeDirectRows(long conversationId, long low, long high) {
        Instant now = clock.instant();
        BatchStatement batch = BatchStatement.newInstance(BatchType.LOGGED,
                insertConversation.bind(conversationId, DIRECT, now),
                insertMember.bind(conversationId, low, now),
                insertMember.bind(conversationId, high, now),
                insertUserConversation.bind(low, conversationId, now),
                insertUserConversation.bind(high, conversationId, now));
        session.execute(batch);
        membersCache.put(conversationId, new CachedMembers(Set.of(low, high), clock.millis() + cacheTtlMillis));
    }

    /** Keeps the cache from growing without bound on a node that sees many conversations. */
    private void evictExpiredIfLarge(long now) {
        if (membersCache.size() > 50_000) {
            membersCache.values().removeIf(c -> c.expiresAt <= now);
        }
    }

    private record CachedMembers(Set<Long> members, long expiresAt) {
    }

    /** A 1:1 conversation and its two members, or a group (members not kept: they change). */
    private record Kind(boolean direct, Set<Long> members) {
    }
}
