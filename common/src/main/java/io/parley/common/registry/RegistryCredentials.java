package io.parley.common.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.springframework.core.env.PropertyResolver;

/**
 * The service-plane secret: the HTTP basic credentials with which Parley's own services register
 * with discovery-service (Eureka) and call each other's {@code /internal/**} and actuator
 * endpoints. Read from {@code parley.registry.user} ({@code PARLEY_REGISTRY_USER}, default
 * {@code parley}), {@code parley.registry.password} ({@code PARLEY_REGISTRY_PASSWORD}, no default)
 * and, during a rotation only, {@code parley.registry.previous-password}
 * ({@code PARLEY_REGISTRY_PREVIOUS_PASSWORD}), which servers accept besides the current one
 * (docs/operations.md, "Registry credentials").
 *
 * <p>Without a password nothing is accepted: a server refuses every request that needs these
 * credentials, and a client sends none (and is refused).
 */
public record RegistryCredentials(String user, String password, String previousPassword) {

    public static final String USER_PROPERTY = "parley.registry.user";
    public static final String PASSWORD_PROPERTY = "parley.registry.password";
    public static final String PREVIOUS_PASSWORD_PROPERTY = "parley.registry.previous-password";
    public static final String DEFAULT_USER = "parley";

    public RegistryCredentials {
        user = user == null || user.isBlank() ? DEFAULT_USER : user;
        password = blankToNull(password);
        previousPassword = blankToNull(previousPassword);
    }

    /** From the environment (properties, {@code PARLEY_REGISTRY_*} variables, {@code --parley.registry.*} arguments). */
    public static RegistryCredentials from(PropertyResolver environment) {
        return new RegistryCredentials(environment.getProperty(USER_PROPERTY),
                environment.getProperty(PASSWORD_PROPERTY), environment.getProperty(PREVIOUS_PASSWORD_PROPERTY));
    }

    /** Whether a password is set at all; without one, nothing can authenticate. */
    public boolean configured() {
        return password != null;
    }

    /**
     * Whether {@code candidateUser}/{@code candidatePassword} are the current credentials, or the
     * previous password during a rotation. Compared in constant time.
     */
    public boolean accepts(String candidateUser, String candidatePassword) {
        if (!configured() || candidateUser == null || candidatePassword == null) {
            return false;
        }
        boolean userMatches = constantTimeEquals(user, candidateUser);
        boolean current = constantTimeEquals(password, candidatePassword);
        boolean previous = previousPassword != null && constantTimeEquals(previousPassword, candidatePassword);
        return userMatches & (current | previous);
    }

    /** The {@code Authorization} header value a client sends, or null without a password. */
    public String basicAuthorization() {
        if (!configured()) {
            return null;
        }
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "RegistryCredentials[user=" + user + ", password=" + (configured() ? "***" : "<none>")
                + (previousPassword != null ? ", previousPassword=***" : "") + "]";
    }

    private static boolean constantTimeEquals(String expected, String candidate) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
