package io.parley.api.group;

/**
 * Who may do what in a group (docs/api.md, "Groups"), as pure rules so they are unit-tested
 * exactly. Every group endpoint asks here before it publishes anything.
 *
 * <pre>
 * action                          owner   admin          member
 * view group, read, send, leave   yes     yes            yes
 * rename, add members             yes     yes            no
 * remove a member                 yes     plain members  no
 * make admin / make member        yes     no             no
 * transfer ownership              yes     no             no
 * </pre>
 * Nobody removes themselves (that is leaving) or changes their own role; the owner can only be
 * removed by transferring ownership first. An owner who leaves hands the group to the longest
 * standing admin, else the longest standing member.
 */
final class GroupPermissions {

    private GroupPermissions() {
    }

    static boolean mayRename(Role actor) {
        return actor == Role.OWNER || actor == Role.ADMIN;
    }

    static boolean mayAdd(Role actor) {
        return actor == Role.OWNER || actor == Role.ADMIN;
    }

    static boolean mayRemove(Role actor, Role target) {
        return switch (actor) {
            case OWNER -> target != Role.OWNER;
            case ADMIN -> target == Role.MEMBER;
            case MEMBER -> false;
        };
    }

    /** Making someone admin or member, or (newRole = owner) transferring ownership to them. */
    static boolean mayChangeRole(Role actor, Role target) {
        return actor == Role.OWNER && target != Role.OWNER;
    }
}
