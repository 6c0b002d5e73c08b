package io.parley.api.user;

import io.parley.common.text.TextRules;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A name other users see (a display name): common's {@link TextRules#nameProblem}, so no control,
 * bidirectional or zero-width character and nothing that is not valid Unicode. The message says
 * which of these it was. Null passes (absence is {@code @NotBlank}'s business).
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ValidName.Validator.class)
@interface ValidName {

    String message() default TextRules.CONTROL_CHARACTER;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<ValidName, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            String problem = TextRules.nameProblem(value);
            if (problem == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(problem).addConstraintViolation();
            return false;
        }
    }
}
