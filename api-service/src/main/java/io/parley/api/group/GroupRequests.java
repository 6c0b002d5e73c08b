package io.parley.api.group;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** Request bodies of the group endpoints. Ids are decimal strings (JavaScript-safe), checked by {@link GroupService}. */
final class GroupRequests {

    private GroupRequests() {
    }

    @Schema(name = "CreateGroup")
    record Create(
            @Schema(description = "1-100 characters after trimming", example = "Weekend hike") String name,
            @Schema(description = "User ids of the initial members besides you (you become the owner)",
                    example = "[\"7290340982145024777\"]") List<String> memberIds) {
    }

    @Schema(name = "RenameGroup")
    record Rename(@Schema(description = "1-100 characters after trimming") String name) {
    }

    @Schema(name = "AddMembers")
    record AddMembers(@Schema(description = "User ids to add (not members yet)") List<String> userIds) {
    }

    @Schema(name = "ChangeRole")
    record ChangeRole(@Schema(description = "`admin`, `member`, or `owner` (transfers ownership; you become admin)",
            example = "admin") String role) {
    }
}
