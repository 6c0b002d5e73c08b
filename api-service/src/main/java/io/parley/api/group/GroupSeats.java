package io.parley.api.group;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.common.web.ApiException;
import java.time.Duration;
import java.util.OptionalInt;
import org.springframework.stereotype.Component;

/**
 * The member limit, kept under concurrency. A group's {@code member_count} (schema V006) counts its
 * seats: current members plus members being added (published, not yet applied by the sequencer).
 * An add takes its seats <em>before</em> publishing, a removal or leave gives one back <em>after</em>
 * Kafka has it; so at every point of the conversation's order the applied members fit in the seats,
 * and the seats never pass {@code max-members}.
 *
 * <p>The count changes only by lightweight transaction (IF member_count = what was read), re-read and
 * retried on a lost race: of two adds racing for the last seats, one gets them and the other a 400.
 * Each change is recorded in {@code seat_changes} in the same conditional batch, under the add's
 * operation id or the removed membership, so a redo of the same add (Idempotency-Key after a crash)
 * takes nothing more and two removals of one member give back one seat.
 */
@Component
class GroupSeats {

    /** Lost races in a row before giving up with 503 (a busy group; the client retries). */
    static final int MAX_ATTEMPTS = 20;
    /** How long a change stays recorded: longer than any retry or redo of the operation. */
    static final Duration CHANGE_MEMORY = Duration.ofHours(24);

    /** Decides the new count from the current one and what is recorded under the change's key; empty: nothing to do. */
    @FunctionalInterface
    private interface Decision {
        OptionalInt newCount(int taken, Integer recorded);
    }

    private final CqlSession session;
    private final GroupRepository groups;
    private final GroupSettings settings;
    private final ConsistencyLevel serialConsistency;
    private final PreparedStatement selectSeats;
    private final PreparedStatement setFirstCount;
    private final PreparedStatement setCount;
    private final PreparedStatement recordChange;

    GroupSeats(CqlSession session, GroupRepository groups, GroupSettings settings) {
        this.session = session;
        this.groups = groups;
        this.settings = settings;
        // Read at the serial level the LWTs use, so a committed change is always seen.
        this.serialConsistency = DefaultConsistencyLevel.valueOf(session.getContext().getConfig()
                .getDefaultProfile().getString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY));
        this.selectSeats = session.prepare(
                "SELECT member_count, seat_changes FROM conversations WHERE conversation_id = ?");
        this.setFirstCount = session.prepare(
                "UPDATE conversations SET member_count = ? WHERE conversation_id = ? IF member_count = null");
        this.setCount = session.prepare(
                "UPDATE conversations SET member_count = ? WHERE conversation_id = ? IF member_count = ?");
        this.recordChange = session.prepare(
                "UPDATE conversations USING TTL ? SET seat_changes[?] = ? WHERE conversation_id = ?");
    }

    /** Takes seats for an add, or refuses it (400, nothing taken) if the group would pass the limit. */
    void takeForAdd(long conversationId, long operationId, int seats) {
        change(conversationId, "add:" + operationId, seats, (taken, recorded) -> {
            if (recorded != null && recorded > 0) {
                return OptionalInt.empty(); // a redo of this add: its seats are already taken
            }
            if (taken + seats > settings.maxMembers()) {
                throw ApiException.badRequest("userIds", "the group would have " + (taken + seats)
                        + " members; the limit is " + settings.maxMembers());
            }
            return OptionalInt.of(taken + seats);
        });
    }

    /** Gives back the seats of an add whose system message was not recorded. */
    void giveBackForAdd(long conversationId, long operationId) {
        change(conversationId, "add:" + operationId, 0, (taken, recorded) -> recorded == null || recorded == 0
                ? OptionalInt.empty()
                : OptionalInt.of(Math.max(0, taken - recorded)));
    }

    /** Gives back the seat of a member removed (or leaving) once the removal is recorded; once per membership. */
    void giveBackForRemoval(long conversationId, long userId, long joinedAtSeq) {
        change(conversationId, "release:" + userId + ":" + joinedAtSeq, 1, (taken, recorded) -> recorded != null
                ? OptionalInt.empty() // the other removal of this membership gave it back
                : OptionalInt.of(Math.max(0, taken - 1)));
    }

    private void change(long conversationId, String key, int recordAs, Decision decision) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Row row = session.execute(selectSeats.bind(conversationId).setConsistencyLevel(serialConsistency)).one();
            if (row == null) {
                throw new IllegalStateException("group " + conversationId + " has no conversations row");
            }
            if (row.isNull("member_count")) {
                // A group from before schema V006: count its members once. A lost race means another
                // request counted first; either way, read again.
                session.execute(setFirstCount.bind(groups.members(conversationId).size(), conversationId));
                continue;
            }
            int taken = row.getInt("member_count");
            OptionalInt newCount = decision.newCount(taken,
                    row.getMap("seat_changes", String.class, Integer.class).get(key));
            if (newCount.isEmpty()) {
                return;
            }
            boolean applied = session.execute(BatchStatement.newInstance(BatchType.LOGGED,
                    setCount.bind(newCount.getAsInt(), conversationId, taken),
                    recordChange.bind((int) CHANGE_MEMORY.toSeconds(), key, recordAs, conversationId))).wasApplied();
            if (applied) {
                return;
            }
        }
        throw ApiException.unavailable("The group is being changed by others right now; retry shortly.");
    }
}
