package io.parley.api.user;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignUpRequestValidationTest {

    private static ValidatorFactory factory;
    private static Validator validator;

    @BeforeAll
    static void createValidator() {
        factory = Validation.buildDefaultValidatorFactory();
        validator = factory.getValidator();
    }

    @AfterAll
    static void closeValidator() {
        factory.close();
    }

    private static Set<String> invalidFields(Object request) {
        return validator.validate(request).stream()
                .map(ConstraintViolation::getPropertyPath).map(Object::toString)
                .collect(Collectors.toSet());
    }

    @Test
    void acceptsAValidRequest() {
        assertThat(invalidFields(new SignUpRequest("Alice_1.x", "12345678", "Alice"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "abcdefghijklmnopqrstuvwxyz0123456", "al ice", "alice!", "ålice", "\u212Aate", "al-ice"})
    void rejectsBadUsernames(String username) {
        assertThat(invalidFields(new SignUpRequest(username, "12345678", "Alice"))).containsExactly("username");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "abcdefghijklmnopqrstuvwxyz012345", "UPPER.case_9"})
    void acceptsUsernamesAtTheLimits(String username) {
        assertThat(invalidFields(new SignUpRequest(username, "12345678", "Alice"))).isEmpty();
    }

    @Test
    void passwordMustBeEightToOneHundredTwentyEightCharacters() {
        assertThat(invalidFields(new SignUpRequest("alice", "1234567", "Alice"))).containsExactly("password");
        assertThat(invalidFields(new SignUpRequest("alice", "x".repeat(129), "Alice"))).containsExactly("password");
        assertThat(invalidFields(new SignUpRequest("alice", "x".repeat(128), "Alice"))).isEmpty();
    }

    @Test
    void displayNameIsTrimmedBeforeItIsChecked() {
        SignUpRequest request = new SignUpRequest("alice", "12345678", "  Alice  ");

        assertThat(request.displayName()).isEqualTo("Alice");
        assertThat(invalidFields(new SignUpRequest("alice", "12345678", "   "))).containsExactly("displayName");
        assertThat(invalidFields(new SignUpRequest("alice", "12345678", " " + "d".repeat(64) + " "))).isEmpty();
        assertThat(invalidFields(new SignUpRequest("alice", "12345678", "d".repeat(65)))).containsExactly("displayName");
    }

    @Test
    void displayNameMustNotContainControlCharacters() {
        assertThat(invalidFields(new SignUpRequest("alice", "12345678", "Al\u0000ice"))).containsExactly("displayName");
    }

    @Test
    void reportsEveryMissingField() {
        assertThat(invalidFields(new SignUpRequest(null, null, null)))
                .containsExactlyInAnyOrder("username", "password", "displayName");
    }

    @Test
    void usernamesAreStoredLowercase() {
        assertThat(Usernames.normalize("Alice.B_1")).isEqualTo("alice.b_1");
        assertThat(Usernames.isValid("Alice")).isTrue();
        assertThat(Usernames.isValid("a")).isFalse();
        assertThat(Usernames.isValid(null)).isFalse();
    }
}
