package io.parley.api.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.api.group.GroupRepository.MemberRow;
import io.parley.common.web.ApiException;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupPermissionsTest {

    @Test
    void ownerAndAdminsRenameAndAddMembersDoNot() {
        assertThat(GroupPermissions.mayRename(Role.OWNER)).isTrue();
        assertThat(GroupPermissions.mayRename(Role.ADMIN)).isTrue();
        assertThat(GroupPermissions.mayRename(Role.MEMBER)).isFalse();
        assertThat(GroupPermissions.mayAdd(Role.ADMIN)).isTrue();
        assertThat(GroupPermissions.mayAdd(Role.MEMBER)).isFalse();
    }

    @Test
    void ownerRemovesAnyoneButTheOwnerAdminsOnlyPlainMembers() {
        assertThat(GroupPermissions.mayRemove(Role.OWNER, Role.ADMIN)).isTrue();
        assertThat(GroupPermissions.mayRemove(Role.OWNER, Role.MEMBER)).isTrue();
        assertThat(GroupPermissions.mayRemove(Role.OWNER, Role.OWNER)).isFalse();
        assertThat(GroupPermissions.mayRemove(Role.ADMIN, Role.MEMBER)).isTrue();
        assertThat(GroupPermissions.mayRemove(Role.ADMIN, Role.ADMIN)).isFalse();
        assertThat(GroupPermissions.mayRemove(Role.ADMIN, Role.OWNER)).isFalse();
        assertThat(GroupPermissions.mayRemove(Role.MEMBER, Role.MEMBER)).isFalse();
    }

    @Test
    void onlyTheOwnerChangesRoles() {
        assertThat(GroupPermissions.mayChangeRole(Role.OWNER, Role.MEMBER)).isTrue();
        assertThat(GroupPermissions.mayChangeRole(Role.OWNER, Role.ADMIN)).isTrue();
        assertThat(GroupPermissions.mayChangeRole(Role.ADMIN, Role.MEMBER)).isFalse();
        assertThat(GroupPermissions.mayChangeRole(Role.MEMBER, Role.MEMBER)).isFalse();
    }

    @Test
    void aLeavingOwnerHandsOverToTheLongestStandingAdminElseMember() {
        List<MemberRow> members = List.of(new MemberRow(1, Role.OWNER, 1), new MemberRow(9, Role.MEMBER, 1),
                new MemberRow(5, Role.ADMIN, 7), new MemberRow(4, Role.ADMIN, 7), new MemberRow(3, Role.ADMIN, 12));
        assertThat(GroupService.heir(members, 1)).contains(4L);
        assertThat(GroupService.heir(List.of(new MemberRow(1, Role.OWNER, 1), new MemberRow(8, Role.MEMBER, 3),
                new MemberRow(2, Role.MEMBER, 5)), 1)).contains(8L);
        assertThat(GroupService.heir(List.of(new MemberRow(1, Role.OWNER, 1)), 1)).isEmpty();
    }

    @Test
    void namesAreTrimmedAndMustBeOneToAHundredCharacters() {
        assertThat(GroupService.validName("  Hikers \n")).isEqualTo("Hikers");
        assertThat(GroupService.validName("🏔".repeat(100))).hasSize(200); // code points, not UTF-16 units
        for (String bad : new String[] {null, "", "   ", "x".repeat(101)}) {
            assertThatThrownBy(() -> GroupService.validName(bad)).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.field()).isEqualTo("name"));
        }
    }

    @Test
    void userIdsMustBePositiveDecimalsAndDuplicatesCollapse() {
        assertThat(GroupService.userIds("userIds", List.of("7", " 7", "12"), false, 10)).containsExactly(7L, 12L);
        for (List<String> bad : List.of(List.of("x"), List.of("-3"), List.of("0"), List.of("99999999999999999999"))) {
            assertThatThrownBy(() -> GroupService.userIds("userIds", bad, false, 10)).isInstanceOfSatisfying(
                    ApiException.class, e -> assertThat(e.field()).isEqualTo("userIds"));
        }
        assertThatThrownBy(() -> GroupService.userIds("userIds", List.of(), false, 10)).isInstanceOf(ApiException.class);
        assertThat(GroupService.userIds("memberIds", List.of(), true, 10)).isEmpty();
        // Longer than allowed: refused as a whole, the entries not even parsed.
        assertThatThrownBy(() -> GroupService.userIds("userIds", List.of("1", "2", "x"), false, 2))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("at most 2"));
    }
}
