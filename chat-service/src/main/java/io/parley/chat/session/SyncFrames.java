package io.parley.chat.session;

import com.datastax.oss.driver.api.core.DriverException;
import io.parley.chat.config.ChatSettings;
import io.parley.chat.sync.SyncPage;
import io.parley.chat.sync.SyncService;
import io.parley.common.protocol.ClientFrame;
import io.parley.common.protocol.ServerFrame;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Answers {@code sync} frames: validates cursors and limit, then asks {@link SyncService}. */
@Component
class SyncFrames {

    private static final Logger log = LoggerFactory.getLogger(SyncFrames.class);
    private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]{0,18}");

    private final SyncService sync;
    private final ChatSettings settings;

    SyncFrames(SyncService sync, ChatSettings settings) {
        this.sync = sync;
        this.settings = settings;
    }

    ServerFrame answer(long userId, ClientFrame.Sync frame) {
        int limit = settings.syncDefaultLimit();
        if (frame.limit() != null) {
            if (frame.limit() < 1 || frame.limit() > settings.syncMaxLimit()) {
                return invalid("limit must be 1.." + settings.syncMaxLimit(), "limit");
            }
            limit = frame.limit();
        }
        Map<Long, Long> cursors = new HashMap<>();
        if (frame.cursors() != null) {
            for (Map.Entry<String, String> cursor : frame.cursors().entrySet()) {
                Long conversationId = parse(cursor.getKey());
                Long seq = parse(cursor.getValue());
                if (conversationId == null || conversationId == 0 || seq == null) {
                    return invalid("cursors map conversation ids to seqs, both decimal strings", "cursors");
                }
                cursors.put(conversationId, seq);
            }
        }
        try {
            SyncPage page = sync.sync(userId, cursors, limit);
            return new ServerFrame.SyncResult(page.messages().stream().map(WireMessages::of).toList(), page.more());
        } catch (DriverException e) {
            log.warn("sync of user {} failed: {}", userId, e.toString());
            return new ServerFrame.Error(SessionErrors.UNAVAILABLE, "temporarily unavailable; sync again", null, null);
        }
    }

    private static Long parse(String value) {
        if (value == null || !DECIMAL.matcher(value).matches()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException tooLarge) {
            return null;
        }
    }

    private static ServerFrame.Error invalid(String message, String field) {
        return new ServerFrame.Error(SessionErrors.INVALID_FIELD, message, null, field);
    }
}
