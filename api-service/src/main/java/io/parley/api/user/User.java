package io.parley.api.user;

import java.time.Instant;

/**
 * A stored account. Carries the password hash, so it never leaves the service: controllers
 * answer with {@link UserResponse}.
 */
public record User(long id, String username, String displayName, String passwordHash, Instant createdAt) {

    @Override
    public String toString() {
        // keep the hash out of logs
        return "User[id=" + id + ", username=" + username + "]";
    }
}
