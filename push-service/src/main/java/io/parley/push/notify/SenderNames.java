package io.parley.push.notify;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import org.springframework.stereotype.Component;

/** The name a notification's title shows for a sender: display name, else username. */
@Component
class SenderNames {

    static final String UNKNOWN = "New message";

    private final CqlSession session;
    private final PreparedStatement select;

    SenderNames(CqlSession session) {
        this.session = session;
        this.select = session.prepare("SELECT display_name, username FROM users WHERE user_id = ?");
    }

    String nameOf(long userId) {
        Row row = session.execute(select.bind(userId)).one();
        if (row == null) {
            return UNKNOWN;
        }
        String display = row.getString("display_name");
        if (display != null && !display.isBlank()) {
            return display;
        }
        String username = row.getString("username");
        return username != null && !username.isBlank() ? username : UNKNOWN;
    }
}
