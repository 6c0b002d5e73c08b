package io.parley.common.events;

import java.util.List;

/**
 * The structured content of a {@link MessageKind#SYSTEM system} message: what happened to a group,
 * who did it and to whom. Clients render it in their own language from these fields ("Alice added
 * Bob"); the server never stores a rendered sentence.
 *
 * <p>The sequencer applies membership events ({@link #MEMBER_ADDED}, {@link #MEMBER_REMOVED},
 * {@link #MEMBER_LEFT}, {@link #ROLE_CHANGED}, {@link #OWNERSHIP_TRANSFERRED}, {@link #GROUP_RENAMED})
 * when it places the message, so a change takes effect exactly at the message's seq.
 *
 * @param event     one of the constants below
 * @param actorId   the user who made the change
 * @param targetIds the users it was done to (empty for rename and create)
 * @param name      the group's name after a create or rename; {@code null} otherwise
 * @param role      the new role for {@link #ROLE_CHANGED} ({@code admin} or {@code member}); {@code null} otherwise
 */
public record SystemEvent(String event, long actorId, List<Long> targetIds, String name, String role) {

    /** The group was created; {@code targetIds} = the initial members other than the creator (the owner). */
    public static final String GROUP_CREATED = "group_created";
    public static final String MEMBER_ADDED = "member_added";
    public static final String MEMBER_REMOVED = "member_removed";
    /** The actor left; {@code targetIds} = the actor. */
    public static final String MEMBER_LEFT = "member_left";
    public static final String GROUP_RENAMED = "group_renamed";
    public static final String ROLE_CHANGED = "role_changed";
    /** The actor (the owner) made the single target the owner and became an admin. */
    public static final String OWNERSHIP_TRANSFERRED = "ownership_transferred";

    public SystemEvent {
        targetIds = targetIds == null ? List.of() : List.copyOf(targetIds);
    }

    /** True for the events after which some user is no longer a member. */
    public boolean removesMembers() {
        return MEMBER_REMOVED.equals(event) || MEMBER_LEFT.equals(event);
    }
}
