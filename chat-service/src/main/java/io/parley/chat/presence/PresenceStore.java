package io.parley.chat.presence;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;

/**
 * The presence tables of schemas V002 and V009 (see their comments). Every state change of {@code online}
 * is a lightweight transaction, so concurrent nodes agree on one winner who announces it.
 */
@Component
class PresenceStore {

    /**
     * A user's stored presence; {@code lastSeen} is null until the user was first offline;
     * {@code visibility} is who may see the rest (the default until the user chose).
     */
    record State(boolean online, Instant lastSeen, PresenceVisibility visibility) {
        static final State NEVER_SEEN = new State(false, null, PresenceVisibility.DEFAULT);
    }

    /** A chat node process; {@code reaper} is the instance reaping it, or null. */
    record Instance(String instanceId, String nodeId, String reaper) {
    }

    private final CqlSession session;
    private final PreparedStatement selectState;
    private final PreparedStatement insertOnline;
    private final PreparedStatement markOnline;
    private final PreparedStatement markOnlineFirstTime;
    private final PreparedStatement markOffline;
    private final PreparedStatement setVisibility;
    private final PreparedStatement insertContact;
    private final PreparedStatement selectContacts;
    private final PreparedStatement selectContact;
    private final PreparedStatement selectUserInstances;
    private final PreparedStatement insertUserInstance;
    private final PreparedStatement deleteUserInstance;
    private final PreparedStatement insertInstanceUser;
    private final PreparedStatement deleteInstanceUser;
    private final PreparedStatement selectInstanceUsers;
    private final PreparedStatement deleteInstanceUsers;
    private final PreparedStatement insertInstance;
    private final PreparedStatement selectInstances;
    private final PreparedStatement selectInstance;
    private final PreparedStatement claimUnreaped;
    private final PreparedStatement claimFromReaper;
    private final PreparedStatement deleteInstance;
    private final PreparedStatement heartbeat;
    private final PreparedStatement selectHeartbeat;
    private final PreparedStatement selectHeartbeats;
    private final PreparedStatement selectConversations;

    PresenceStore(CqlSession session) {
        this.session = session;
        this.selectState = session.prepare(
                "SELECT online, last_seen, hidden, visibility FROM user_presence WHERE user_id = ?");
        this.insertOnline = session.prepare(
                "INSERT INTO user_presence (user_id, online, changed_at) VALUES (?, true, ?) IF NOT EXISTS");
        this.markOnline = session.prepare(
                "UPDATE user_presence SET online = true, changed_at = ? WHERE user_id = ? IF online = false");
        this.markOnlineFirstTime = session.prepare(
                "UPDATE user_presence SET online = true, changed_at = ? WHERE user_id = ? IF online = null");
        this.markOffline = session.prepare(
                "UPDATE user_presence SET online = false, changed_at = ?, last_seen = ? WHERE user_id = ? IF online = true");
        this.setVisibility = session.prepare("UPDATE user_presence SET visibility = ?, hidden = ? WHERE user_id = ?");
        this.insertContact = session.prepare(
                "INSERT INTO presence_contacts (user_id, contact_id, since) VALUES (?, ?, ?)");
        this.selectContacts = session.prepare("SELECT contact_id FROM presence_contacts WHERE user_id = ?");
        this.selectContact = session.prepare(
                "SELECT contact_id FROM presence_contacts WHERE user_id = ? AND contact_id = ?");
        this.selectUserInstances = session.prepare("SELECT instance_id FROM presence_user_instances WHERE user_id = ?");
        this.insertUserInstance = session.prepare(
                "INSERT INTO presence_user_instances (user_id, instance_id) VALUES (?, ?)");
        this.deleteUserInstance = session.prepare(
                "DELETE FROM presence_user_instances WHERE user_id = ? AND instance_id = ?");
        this.insertInstanceUser = session.prepare(
                "INSERT INTO presence_instance_users (instance_id, user_id) VALUES (?, ?)");
        this.deleteInstanceUser = session.prepare(
                "DELETE FROM presence_instance_users WHERE instance_id = ? AND user_id = ?");
        this.selectInstanceUsers = session.prepare("SELECT user_id FROM presence_instance_users WHERE instance_id = ?");
        this.deleteInstanceUsers = session.prepare("DELETE FROM presence_instance_users WHERE instance_id = ?");
        this.insertInstance = session.prepare(
                "INSERT INTO chat_node_instances (instance_id, node_id, started_at) VALUES (?, ?, ?)");
        this.selectInstances = session.prepare("SELECT instance_id, node_id, reaper FROM chat_node_instances");
        this.selectInstance = session.prepare("SELECT reaper FROM chat_node_instances WHERE instance_id = ?");
        this.claimUnreaped = session.prepare(
                "UPDATE chat_node_instances SET reaper = ? WHERE instance_id = ? IF reaper = null");
        this.claimFromReaper = session.prepare(
                "UPDATE chat_node_instances SET reaper = ? WHERE instance_id = ? IF reaper = ?");
        this.deleteInstance = session.prepare("DELETE FROM chat_node_instances WHERE instance_id = ?");
        this.heartbeat = session.prepare(
                "INSERT INTO chat_node_heartbeats (instance_id, node_id) VALUES (?, ?) USING TTL ?");
        this.selectHeartbeat = session.prepare("SELECT instance_id FROM chat_node_heartbeats WHERE instance_id = ?");
        this.selectHeartbeats = session.prepare("SELECT instance_id FROM chat_node_heartbeats");
        this.selectConversations = session.prepare(
                "SELECT conversation_id, removed_at_seq FROM user_conversations WHERE user_id = ?");
    }

    // --- user_presence -------------------------------------------------------------------------

    State state(long userId) {
        return toState(session.execute(selectState.bind(userId)).one());
    }

    /** The states of many users at once (reads in parallel); users never seen are {@link State#NEVER_SEEN}. */
    Map<Long, State> states(Set<Long> userIds) {
        Map<Long, CompletableFuture<State>> reads = new HashMap<>();
        for (long user : userIds) {
            reads.put(user, session.executeAsync(selectState.bind(user))
                    .thenApply(rs -> toState(rs.one())).toCompletableFuture());
        }
        Map<Long, State> states = new HashMap<>();
        reads.forEach((user, read) -> states.put(user, read.join()));
        return states;
    }

    private static State toState(Row row) {
        if (row == null) {
            return State.NEVER_SEEN;
        }
        return new State(!row.isNull("online") && row.getBoolean("online"), row.getInstant("last_seen"),
                visibilityOf(row));
    }

    /**
     * The stored choice; rows written before V009 (or by a node that only knows {@code hidden})
     * carry only the boolean: {@code hidden = true} stays hidden from everyone.
     */
    private static PresenceVisibility visibilityOf(Row row) {
        PresenceVisibility chosen = row.isNull("visibility") ? null : PresenceVisibility.fromWire(row.getString("visibility"));
        if (chosen != null) {
            return chosen;
        }
        return !row.isNull("hidden") && row.getBoolean("hidden") ? PresenceVisibility.NOBODY : PresenceVisibility.DEFAULT;
    }

    /** Online from offline or from never seen; true only for the one caller whose change applied. */
    boolean markOnline(long userId, Instant now) {
        if (session.execute(markOnline.bind(now, userId)).wasApplied()) {
            return true;
        }
        // Not applied: online already, no row yet (a condition on a missing row fails), or a row
        // without online (the user chose a visibility before first being online).
        Row row = session.execute(selectState.bind(userId)).one();
        if (row == null) {
            return session.execute(insertOnline.bind(userId, now)).wasApplied();
        }
        return row.isNull("online") && session.execute(markOnlineFirstTime.bind(now, userId)).wasApplied();
    }

    /** Online to offline; true only for the one caller whose change applied. */
    boolean markOffline(long userId, Instant now) {
        return session.execute(markOffline.bind(now, now, userId)).wasApplied();
    }

    /** Stores the choice; {@code hidden} is kept in step for nodes that only read the boolean. */
    void setVisibility(long userId, PresenceVisibility visibility) {
        session.execute(setVisibility.bind(visibility.wireName(), visibility == PresenceVisibility.NOBODY, userId));
    }

    // --- presence_contacts: whom a user has sent a 1:1 message to ------------------------------

    /** The user has sent the contact a 1:1 message (idempotent; a repeat only moves {@code since}). */
    void addContact(long userId, long contactId, Instant since) {
        session.execute(insertContact.bind(userId, contactId, since));
    }

    /** Everyone the user has sent a 1:1 message to: one partition read. */
    Set<Long> contactsOf(long userId) {
        Set<Long> contacts = new HashSet<>();
        session.execute(selectContacts.bind(userId)).forEach(row -> contacts.add(row.getLong("contact_id")));
        return contacts;
    }

    /** Those of the users who have sent the viewer a 1:1 message (point reads in parallel). */
    Set<Long> usersWithContact(Set<Long> users, long viewer) {
        Map<Long, CompletableFuture<Boolean>> reads = new HashMap<>();
        for (long user : users) {
            reads.put(user, session.executeAsync(selectContact.bind(user, viewer))
                    .thenApply(rs -> rs.one() != null).toCompletableFuture());
        }
        Set<Long> found = new HashSet<>();
        reads.forEach((user, read) -> {
            if (read.join()) {
                found.add(user);
            }
        });
        return found;
    }

    // --- which instances hold a user -------------------------------------------------------------

    List<String> instancesOf(long userId) {
        List<String> instances = new ArrayList<>();
        session.execute(selectUserInstances.bind(userId)).forEach(row -> instances.add(row.getString("instance_id")));
        return instances;
    }

    /** The user has a session on the instance; the instance owes the user an offline check. */
    void addSessionHolder(long userId, String instanceId) {
        // The obligation first: if this node dies between the two writes, its reaper still checks the user.
        session.execute(insertInstanceUser.bind(instanceId, userId));
        session.execute(insertUserInstance.bind(userId, instanceId));
    }

    void removeSessionHolder(long userId, String instanceId) {
        session.execute(deleteUserInstance.bind(userId, instanceId));
    }

    /** The instance has checked the user after their last session there closed. */
    void dischargeCheck(String instanceId, long userId) {
        session.execute(deleteInstanceUser.bind(instanceId, userId));
    }

    List<Long> usersOwedBy(String instanceId) {
        List<Long> users = new ArrayList<>();
        session.execute(selectInstanceUsers.bind(instanceId)).forEach(row -> users.add(row.getLong("user_id")));
        return users;
    }

    // --- instances and their liveness ------------------------------------------------------------

    void registerInstance(String instanceId, String nodeId, Instant now, int heartbeatTtlSeconds) {
        // Heartbeat before the instance row: whoever sees the instance also sees it alive.
        beat(instanceId, nodeId, heartbeatTtlSeconds);
        session.execute(insertInstance.bind(instanceId, nodeId, now));
    }

    void beat(String instanceId, String nodeId, int ttlSeconds) {
        session.execute(heartbeat.bind(instanceId, nodeId, ttlSeconds));
    }

    boolean isAlive(String instanceId) {
        return session.execute(selectHeartbeat.bind(instanceId)).one() != null;
    }

    /** All live instances. Nodes are few (tens), so reading the whole small table is cheap. */
    Set<String> aliveInstances() {
        Set<String> alive = new HashSet<>();
        session.execute(selectHeartbeats.bind()).forEach(row -> alive.add(row.getString("instance_id")));
        return alive;
    }

    List<Instance> instances() {
        List<Instance> instances = new ArrayList<>();
        session.execute(selectInstances.bind()).forEach(row -> instances.add(
                new Instance(row.getString("instance_id"), row.getString("node_id"), row.getString("reaper"))));
        return instances;
    }

    /** Whether the instance is still registered and nobody has claimed to reap it. */
    boolean isUnreaped(String instanceId) {
        Row row = session.execute(selectInstance.bind(instanceId)).one();
        return row != null && row.isNull("reaper");
    }

    /** Claims the reaping of a dead instance from nobody or from a reaper that died too. */
    boolean claimReap(String instanceId, String reaper, String previousReaper) {
        var statement = previousReaper == null
                ? claimUnreaped.bind(reaper, instanceId)
                : claimFromReaper.bind(reaper, instanceId, previousReaper);
        return session.execute(statement).wasApplied();
    }

    /** The dead instance is reaped: forget it and its (now empty) obligations. */
    void forgetInstance(String instanceId) {
        session.execute(deleteInstanceUsers.bind(instanceId));
        session.execute(deleteInstance.bind(instanceId));
    }

    // --- who shares conversations, and where they are ---------------------------------------------

    /**
     * The conversations the user is a member of now. A member removed from a group keeps its row
     * (to read the history up to the removal, {@code removed_at_seq}) but shares nothing any more:
     * no presence either way.
     */
    Set<Long> conversationsOf(long userId) {
        Set<Long> conversations = new HashSet<>();
        session.execute(selectConversations.bind(userId)).forEach(row -> {
            if (row.isNull("removed_at_seq")) {
                conversations.add(row.getLong("conversation_id"));
            }
        });
        return conversations;
    }
}
