package io.parley.api.group;

import com.datastax.oss.driver.api.core.DriverException;
import io.parley.api.group.GroupRepository.GroupRow;
import io.parley.api.group.GroupRepository.MemberRow;
import io.parley.common.events.SystemEvent;
import io.parley.common.text.TextRules;
import io.parley.common.web.ApiException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Group operations. Each one checks everything first (membership, role, input, limits) and only
 * then publishes its system message; nothing is written or published for a refused request. The
 * change itself is applied by the sequencer when it places that message (docs/design.md, "Groups"),
 * so this waits briefly for that to answer with the new state.
 *
 * <p>Anything about a group answers 404 to a non-member, exactly as for a group that does not exist:
 * names, members and messages of other people's groups are not confirmed to exist.
 *
 * <p>Every operation takes an {@code operationId}, new per request or, under an Idempotency-Key,
 * the same on every redo of one request (io.parley.api.idempotency): a new group's id, a change's
 * system message id. A redo after a crash therefore finishes the first attempt (the same group, a
 * message the sequencer already knows) instead of making a second one.
 */
@Service
class GroupService {

    static final int MAX_NAME_LENGTH = 100;

    private static final Logger log = LoggerFactory.getLogger(GroupService.class);

    /** The outcome of a change: the group as the caller now sees it, and whether the change is in it yet. */
    record Change(GroupResponse group, boolean applied) {
    }

    private final GroupRepository groups;
    private final SystemMessages systemMessages;
    private final GroupSeats seats;
    private final Clock clock;
    private final GroupSettings settings;

    GroupService(GroupRepository groups, SystemMessages systemMessages, GroupSeats seats, Clock clock,
            GroupSettings settings) {
        this.groups = groups;
        this.systemMessages = systemMessages;
        this.seats = seats;
        this.clock = clock;
        this.settings = settings;
    }

    /** Creates the group {@code groupId}; a redo with the same id completes it instead of making another. */
    GroupResponse create(long callerId, GroupRequests.Create request, long groupId) {
        String name = validName(request.name());
        // The limit is checked on the list as sent, before anything is parsed or read: a request
        // naming 200,000 users must cost no more than one naming 501.
        Set<Long> members = userIds("memberIds", request.memberIds(), true, settings.maxMembers());
        members.remove(callerId); // the creator is the owner, listed or not
        if (members.size() + 1 > settings.maxMembers()) {
            throw ApiException.badRequest("memberIds", "a group has at most " + settings.maxMembers()
                    + " members, you included");
        }
        requireExisting("memberIds", members);
        if (groups.findGroup(groupId).isEmpty()) {
            // Not when redoing a create whose group is already visible: its members may have changed since.
            groups.create(groupId, name, callerId, members, clock.instant());
        }
        // seq 1 of the group, under the group's own id as message id (unique: it came from the same
        // generator), so a redo republishes the same message. If this publish fails the group exists
        // without it (answered 503); a retry with the same Idempotency-Key publishes it.
        systemMessages.publish(groupId, groupId,
                new SystemEvent(SystemEvent.GROUP_CREATED, callerId, List.copyOf(members), name, null));
        return view(callerId, groupId);
    }

    GroupResponse get(long callerId, long conversationId) {
        requireMember(callerId, conversationId);
        return view(callerId, conversationId);
    }

    Change rename(long callerId, long conversationId, GroupRequests.Rename request, long operationId) {
        if (groups.isSequenced(operationId)) {
            return redone(callerId, conversationId);
        }
        MemberRow caller = requireMember(callerId, conversationId);
        if (!GroupPermissions.mayRename(caller.role())) {
            throw ApiException.forbidden("Only the owner and admins may rename the group.");
        }
        String name = validName(request.name());
        return publish(callerId, conversationId, operationId,
                new SystemEvent(SystemEvent.GROUP_RENAMED, callerId, List.of(), name, null));
    }

    /**
     * Adds members: takes their seats first (the limit, {@link GroupSeats}), then publishes; gives the
     * seats back if the publish fails.
     */
    Change addMembers(long callerId, long conversationId, GroupRequests.AddMembers request, long operationId) {
        if (groups.isSequenced(operationId)) {
            return redone(callerId, conversationId);
        }
        MemberRow caller = requireMember(callerId, conversationId);
        if (!GroupPermissions.mayAdd(caller.role())) {
            throw ApiException.forbidden("Only the owner and admins may add members.");
        }
        // Before the member list is read: at most max-members - 1 can ever be added (the owner stays).
        Set<Long> toAdd = userIds("userIds", request.userIds(), false, settings.maxMembers() - 1);
        List<MemberRow> current = groups.members(conversationId);
        for (MemberRow member : current) {
            if (toAdd.contains(member.userId())) {
                throw ApiException.badRequest("userIds", "user " + member.userId() + " is already a member");
            }
        }
        requireExisting("userIds", toAdd);
        seats.takeForAdd(conversationId, operationId, toAdd.size());
        long messageId;
        try {
            messageId = systemMessages.publish(operationId, conversationId,
                    new SystemEvent(SystemEvent.MEMBER_ADDED, callerId, List.copyOf(toAdd), null, null));
        } catch (ApiException notRecorded) {
            seats.giveBackForAdd(conversationId, operationId);
            throw notRecorded;
        }
        return answer(callerId, conversationId, messageId);
    }

    Change removeMember(long callerId, long conversationId, long userId, long operationId) {
        if (groups.isSequenced(operationId)) {
            return redone(callerId, conversationId);
        }
        MemberRow caller = requireMember(callerId, conversationId);
        if (userId == callerId) {
            throw ApiException.badRequest("userId", "to leave the group, use POST /api/groups/{id}/leave");
        }
        MemberRow target = groups.member(conversationId, userId)
                .orElseThrow(() -> ApiException.badRequest("userId", "user " + userId + " is not a member"));
        if (!GroupPermissions.mayRemove(caller.role(), target.role())) {
            throw ApiException.forbidden(caller.role() == Role.MEMBER
                    ? "Only the owner and admins may remove members."
                    : "You may not remove a member with role " + target.role().wire() + ".");
        }
        long messageId = systemMessages.publish(operationId, conversationId,
                new SystemEvent(SystemEvent.MEMBER_REMOVED, callerId, List.of(userId), null, null));
        giveBackSeat(conversationId, userId, target.joinedAtSeq());
        return answer(callerId, conversationId, messageId);
    }

    /**
     * The caller leaves. An owner who leaves first hands the group on (ownership_transferred, then
     * member_left, in that order on the same partition): to the longest standing admin, else the
     * longest standing member, so a group with members always has an owner. The member_left message
     * carries the operation id; the transfer gets a new id (so a redo cut between the two may repeat
     * the transfer notice; applying it again changes nothing).
     */
    Change leave(long callerId, long conversationId, long operationId) {
        if (groups.isSequenced(operationId)) {
            return new Change(null, true);
        }
        MemberRow caller = requireMember(callerId, conversationId);
        if (caller.role() == Role.OWNER) {
            heir(groups.members(conversationId), callerId).ifPresent(heir -> systemMessages.publish(conversationId,
                    new SystemEvent(SystemEvent.OWNERSHIP_TRANSFERRED, callerId, List.of(heir), null, null)));
        }
        long messageId = systemMessages.publish(operationId, conversationId,
                new SystemEvent(SystemEvent.MEMBER_LEFT, callerId, List.of(callerId), null, null));
        giveBackSeat(conversationId, callerId, caller.joinedAtSeq());
        // The caller is no longer a member once applied, so there is no group to show them.
        return new Change(null, awaitApplied(messageId));
    }

    Change changeRole(long callerId, long conversationId, long userId, GroupRequests.ChangeRole request,
            long operationId) {
        if (groups.isSequenced(operationId)) {
            return redone(callerId, conversationId);
        }
        MemberRow caller = requireMember(callerId, conversationId);
        Role role = Role.parse(request.role());
        if (role == null) {
            throw ApiException.badRequest("role", "must be one of owner, admin, member");
        }
        if (userId == callerId) {
            throw ApiException.badRequest("userId", "you cannot change your own role");
        }
        MemberRow target = groups.member(conversationId, userId)
                .orElseThrow(() -> ApiException.badRequest("userId", "user " + userId + " is not a member"));
        if (!GroupPermissions.mayChangeRole(caller.role(), target.role())) {
            throw ApiException.forbidden("Only the owner may change roles.");
        }
        SystemEvent event = role == Role.OWNER
                ? new SystemEvent(SystemEvent.OWNERSHIP_TRANSFERRED, callerId, List.of(userId), null, null)
                : new SystemEvent(SystemEvent.ROLE_CHANGED, callerId, List.of(userId), null, role.wire());
        return publish(callerId, conversationId, operationId, event);
    }

    /** The longest standing admin, else the longest standing member; empty when the owner is alone. */
    static Optional<Long> heir(List<MemberRow> members, long ownerId) {
        Comparator<MemberRow> seniority = Comparator.comparingLong(MemberRow::joinedAtSeq)
                .thenComparingLong(MemberRow::userId);
        List<MemberRow> others = members.stream().filter(m -> m.userId() != ownerId).toList();
        return others.stream().filter(m -> m.role() == Role.ADMIN).min(seniority)
                .or(() -> others.stream().min(seniority))
                .map(MemberRow::userId);
    }

    /**
     * Gives back a removed member's seat. The removal is already recorded, so a failure here must not
     * answer 503 ("nothing changed"): the seat stays taken instead, which only makes the group refuse
     * one add early (docs/design.md, "Groups").
     */
    private void giveBackSeat(long conversationId, long userId, long joinedAtSeq) {
        try {
            seats.giveBackForRemoval(conversationId, userId, joinedAtSeq);
        } catch (DriverException | ApiException e) {
            log.warn("seat of user {} in group {} not given back after their removal: {}", userId, conversationId,
                    e.toString());
        }
    }

    private Change publish(long callerId, long conversationId, long messageId, SystemEvent event) {
        return answer(callerId, conversationId, systemMessages.publish(messageId, conversationId, event));
    }

    private Change answer(long callerId, long conversationId, long messageId) {
        boolean applied = awaitApplied(messageId);
        return new Change(view(callerId, conversationId), applied);
    }

    /**
     * A redo (same Idempotency-Key, after a crash) of a change the sequencer has already applied:
     * answer with the group as it is, without checking again what the change itself made untrue
     * (an added user is now a member, a removed one is not).
     */
    private Change redone(long callerId, long conversationId) {
        return new Change(view(callerId, conversationId), true);
    }

    /**
     * Waits (polling, up to {@code apply-wait}) until the sequencer has placed the message; it
     * applies the change before it stores the message, so a stored position means applied.
     */
    private boolean awaitApplied(long messageId) {
        long deadline = System.nanoTime() + settings.applyWait().toNanos();
        while (true) {
            if (groups.isSequenced(messageId)) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private MemberRow requireMember(long callerId, long conversationId) {
        Optional<MemberRow> member = groups.member(conversationId, callerId);
        if (member.isEmpty() || groups.findGroup(conversationId).isEmpty()) {
            throw notFound(conversationId);
        }
        return member.get();
    }

    private GroupResponse view(long callerId, long conversationId) {
        GroupRow group = groups.findGroup(conversationId).orElseThrow(() -> notFound(conversationId));
        List<MemberRow> members = new ArrayList<>(groups.members(conversationId));
        MemberRow caller = members.stream().filter(m -> m.userId() == callerId).findFirst()
                .orElseThrow(() -> notFound(conversationId));
        members.sort(Comparator.comparingLong(MemberRow::joinedAtSeq).thenComparingLong(MemberRow::userId));
        return new GroupResponse(Long.toString(conversationId), group.name(), Long.toString(group.createdBy()),
                caller.role().wire(), members.stream()
                .map(m -> new GroupResponse.Member(Long.toString(m.userId()), m.role().wire(), m.joinedAtSeq()))
                .toList());
    }

    private static ApiException notFound(long conversationId) {
        return ApiException.notFound("Group " + conversationId + " not found.");
    }

    static String validName(String name) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.codePointCount(0, trimmed.length()) > MAX_NAME_LENGTH) {
            throw ApiException.badRequest("name", "must be 1-" + MAX_NAME_LENGTH + " characters (after trimming)");
        }
        String problem = TextRules.nameProblem(trimmed);
        if (problem != null) {
            throw ApiException.badRequest("name", problem);
        }
        return trimmed;
    }

    /** Parses a list of user ids (duplicates folded); refuses a list longer than {@code maxIds} unparsed. */
    static Set<Long> userIds(String field, List<String> values, boolean emptyAllowed, int maxIds) {
        if (values == null || (values.isEmpty() && !emptyAllowed)) {
            throw ApiException.badRequest(field, "must list at least one user id");
        }
        if (values.size() > maxIds) {
            throw ApiException.badRequest(field, "lists " + values.size() + " user ids; at most " + maxIds
                    + " can be given (the group member limit)");
        }
        Set<Long> ids = new LinkedHashSet<>();
        for (String value : values) {
            try {
                long id = Long.parseLong(value == null ? "" : value.trim());
                if (id <= 0) {
                    throw new NumberFormatException();
                }
                ids.add(id);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest(field, "'" + value + "' is not a user id (a positive decimal number)");
            }
        }
        return ids;
    }

    private void requireExisting(String field, Set<Long> userIds) {
        List<Long> unknown = groups.unknownUsers(userIds);
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest(field, "no such user: " + unknown.get(0));
        }
    }
}
