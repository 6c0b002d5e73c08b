package io.parley.api.conversation;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "DirectConversation", description = "The 1:1 conversation between the caller and another user")
record DirectConversationResponse(
        @Schema(description = "Conversation id (decimal string)", example = "7290340982145024777") String conversationId) {
}
