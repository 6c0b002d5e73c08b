package io.parley.api.user;

import io.parley.common.web.ApiException;
import io.parley.id.IdGenerator;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/** Accounts: sign-up, lookup and profile changes. */
@Service
public class UserService {

    private static final Logger log = LoggerFactory.getLogger(UserService.class);

    private final UserRepository users;
    private final IdGenerator ids;
    private final PasswordEncoder passwordEncoder;
    private final Clock clock;

    UserService(UserRepository users, IdGenerator ids, PasswordEncoder passwordEncoder, Clock clock) {
        this.users = users;
        this.ids = ids;
        this.passwordEncoder = passwordEncoder;
        this.clock = clock;
    }

    /**
     * Creates an account. Order matters for failure: the {@code users} row is written first
     * under a fresh id nobody knows, and only then is the username claimed. So a claim always
     * points at an existing user. If we crash in between, or lose the claim race, the users row
     * is an unreachable orphan; on a lost race we delete it (best effort) to keep the table clean.
     *
     * @throws ApiException 409 if the username is taken
     */
    User signUp(SignUpRequest request) {
        String username = Usernames.normalize(request.username());
        User user = new User(ids.nextId(), username, request.displayName(),
                passwordEncoder.encode(request.password()), clock.instant());
        users.insert(user);
        if (!users.claimUsername(username, user.id())) {
            try {
                users.delete(user.id());
            } catch (RuntimeException e) {
                log.warn("Could not delete orphan user row {} after losing the username claim", user.id(), e);
            }
            throw ApiException.conflict("The username '" + username + "' is already taken.");
        }
        return user;
    }

    public Optional<User> findById(long userId) {
        return users.findById(userId);
    }

    /** Case-insensitive; empty for strings that cannot be usernames. */
    public Optional<User> findByUsername(String username) {
        if (!Usernames.isValid(username)) {
            return Optional.empty();
        }
        return users.findIdByUsername(Usernames.normalize(username)).flatMap(users::findById);
    }

    /**
     * Replaces the password hash. The caller has checked the current password and revokes the
     * user's refresh tokens.
     *
     * @throws ApiException 404 if there is no such user
     */
    public void changePassword(long userId, String newPassword) {
        if (!users.updatePasswordHash(userId, passwordEncoder.encode(newPassword))) {
            throw ApiException.notFound("User " + userId + " does not exist.");
        }
    }

    User updateDisplayName(long userId, String displayName) {
        if (!users.updateDisplayName(userId, displayName)) {
            throw ApiException.notFound("User " + userId + " does not exist.");
        }
        return users.findById(userId).orElseThrow(() -> ApiException.notFound("User " + userId + " does not exist."));
    }
}
