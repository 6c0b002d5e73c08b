package io.parley.api.group;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

@Schema(name = "Group", description = "A group conversation as its members see it")
record GroupResponse(
        @Schema(description = "The group's conversation id (decimal string); send messages to it") String conversationId,
        String name,
        @Schema(description = "Who created it (decimal string)") String createdBy,
        @Schema(description = "The caller's role: owner, admin or member") String yourRole,
        @Schema(description = "Current members, longest standing first") List<Member> members) {

    @Schema(name = "GroupMember")
    record Member(String userId,
                  @Schema(description = "owner, admin or member") String role,
                  @Schema(description = "Seq of the message that made them a member; they may read from it on")
                  long joinedAtSeq) {
    }
}
