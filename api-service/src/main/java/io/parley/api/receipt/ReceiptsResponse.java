package io.parley.api.receipt;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

@Schema(name = "Receipts", description = "Who has received and read how far in a conversation")
record ReceiptsResponse(
        @Schema(description = "Conversation id (decimal string)") String conversationId,
        @Schema(description = "false when this deployment does not share receipts: `members` then holds only you, "
                + "and `message` is null") boolean receiptsEnabled,
        @Schema(description = "Every current member's marks, by user id (only yours when receipts are off)")
        List<MemberMarks> members,
        @Schema(description = "Counts for the message asked for with `seq`; null without `seq` or when receipts are off",
                nullable = true) MessageReceipts message) {

    @Schema(name = "MemberReceipt", description = "A member has received everything up to deliveredSeq and read up to readSeq")
    record MemberMarks(
            @Schema(description = "User id (decimal string)") String userId,
            @Schema(description = "Received up to this seq (0: nothing yet); never below readSeq") long deliveredSeq,
            @Schema(description = "Read up to this seq (0: nothing yet)") long readSeq) {
    }

    @Schema(name = "MessageReceipts", description = "How many of the members who can see a message have received and read it")
    record MessageReceipts(
            long seq,
            @Schema(description = "Who sent it (decimal string); never counted") String senderId,
            @Schema(description = "Current members other than the sender who were members when it was sent")
            int recipientCount,
            @Schema(description = "Of those, how many have received it (deliveredSeq >= seq)") int deliveredCount,
            @Schema(description = "Of those, how many have read it (readSeq >= seq)") int readCount) {
    }
}
