package io.parley.api.group;

import io.parley.api.group.GroupRepository.GroupRow;
import io.parley.api.group.GroupRepository.MemberRow;
import io.parley.api.web.ApiException;
import io.parley.common.events.SystemEvent;
import io.parley.id.IdGenerator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * Group operations. Each one checks everything first (membership, role, input, limits) and only
 * then publishes its system message; nothing is written or published for a refused request. The
 * change itself is applied by the sequencer when it places that message (docs/design.md, "Groups"),
 * so this waits briefly for that to answer with the new state.
 *
 * <p>Anything about a group answers 404 to a non-member, exactly as for a group that does not exist:
 * names, members and messages of other people's groups are not confirmed to exist.
 */
@Service
class GroupService {

    static final int MAX_NAME_LENGTH = 100;

    /** The outcome of a change: the group as the caller now sees it, and whether the change is in it yet. */
    record Change(GroupResponse group, boolean applied) {
    }

    private final GroupRepository groups;
    private final SystemMessages systemMessages;
    private final IdGenerator ids;
    private final Clock clock;
    private final GroupSettings settings;

    GroupService(GroupRepository groups, SystemMessages systemMessages, IdGenerator ids, Clock clock, GroupSettings settings) {
        this.groups = groups;
        this.systemMessages = systemMessages;
        this.ids = ids;
        this.clock = clock;
        this.settings = settings;
    }

    GroupResponse create(long callerId, GroupRequests.Create request) {
        String name = validName(request.name());
        Set<Long> members = userIds("memberIds", request.memberIds(), true);
        members.remove(callerId); // the creator is the owner, listed or not
        if (members.size() + 1 > settings.maxMembers()) {
            throw ApiException.badRequest("memberIds", "a group has at most " + settings.maxMembers()
                    + " members, you included");
        }
        requireExisting("memberIds", members);
        long conversationId = ids.nextId();
        groups.create(conversationId, name, callerId, members, clock.instant());
        // seq 1 of the group; if this publish fails the group exists without it (answered 503):
        // it works all the same, its first message is then just not the creation notice.
        systemMessages.publish(conversationId,
                new SystemEvent(SystemEvent.GROUP_CREATED, callerId, List.copyOf(members), name, null));
        return view(callerId, conversationId);
    }

    GroupResponse get(long callerId, long conversationId) {
        requireMember(callerId, conversationId);
        return view(callerId, conversationId);
    }

    Change rename(long callerId, long conversationId, GroupRequests.Rename request) {
        MemberRow caller = requireMember(callerId, conversationId);
        if (!GroupPermissions.mayRename(caller.role())) {
            throw ApiException.forbidden("Only the owner and admins may rename the group.");
        }
        String name = validName(request.name());
        return publish(callerId, conversationId, new SystemEvent(SystemEvent.GROUP_RENAMED, callerId, List.of(), name, null));
    }

    Change addMembers(long callerId, long conversationId, GroupRequests.AddMembers request) {
        MemberRow caller = requireMember(callerId, conversationId);
        if (!GroupPermissions.mayAdd(caller.role())) {
            throw ApiException.forbidden("Only the owner and admins may add members.");
        }
        Set<Long> toAdd = userIds("userIds", request.userIds(), false);
        List<MemberRow> current = groups.members(conversationId);
        for (MemberRow member : current) {
            if (toAdd.contains(member.userId())) {
                throw ApiException.badRequest("userIds", "user " + member.userId() + " is already a member");
            }
        }
        if (current.size() + toAdd.size() > settings.maxMembers()) {
            throw ApiException.badRequest("userIds", "the group would have " + (current.size() + toAdd.size())
                    + " members; the limit is " + settings.maxMembers());
        }
        requireExisting("userIds", toAdd);
        return publish(callerId, conversationId,
                new SystemEvent(SystemEvent.MEMBER_ADDED, callerId, List.copyOf(toAdd), null, null));
    }

    Change removeMember(long callerId, long conversationId, long userId) {
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
        return publish(callerId, conversationId,
                new SystemEvent(SystemEvent.MEMBER_REMOVED, callerId, List.of(userId), null, null));
    }

    /**
     * The caller leaves. An owner who leaves first hands the group on (ownership_transferred, then
     * member_left, in that order on the same partition): to the longest standing admin, else the
     * longest standing member, so a group with members always has an owner.
     */
    Change leave(long callerId, long conversationId) {
        MemberRow caller = requireMember(callerId, conversationId);
        if (caller.role() == Role.OWNER) {
            heir(groups.members(conversationId), callerId).ifPresent(heir -> systemMessages.publish(conversationId,
                    new SystemEvent(SystemEvent.OWNERSHIP_TRANSFERRED, callerId, List.of(heir), null, null)));
        }
        long messageId = systemMessages.publish(conversationId,
                new SystemEvent(SystemEvent.MEMBER_LEFT, callerId, List.of(callerId), null, null));
        // The caller is no longer a member once applied, so there is no group to show them.
        return new Change(null, awaitApplied(messageId));
    }

    Change changeRole(long callerId, long conversationId, long userId, GroupRequests.ChangeRole request) {
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
        return publish(callerId, conversationId, event);
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

    private Change publish(long callerId, long conversationId, SystemEvent event) {
        long messageId = systemMessages.publish(conversationId, event);
        boolean applied = awaitApplied(messageId);
        return new Change(view(callerId, conversationId), applied);
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
        return trimmed;
    }

    /** Parses decimal user ids; duplicates collapse. */
    static Set<Long> userIds(String field, List<String> values, boolean emptyAllowed) {
        if (values == null || (values.isEmpty() && !emptyAllowed)) {
            throw ApiException.badRequest(field, "must list at least one user id");
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
