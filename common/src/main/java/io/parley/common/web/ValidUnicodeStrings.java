package io.parley.common.web;

import io.parley.common.text.TextRules;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Makes every JSON string a service reads valid Unicode ({@link TextRules}): a request body whose
 * string holds an unpaired surrogate (JSON can spell one as {@code "\udc00"}) fails to parse,
 * naming the field, and {@link ProblemDetailsExceptionHandler} answers 400 with the field in
 * {@code errors}. Before this, such a display name reached Cassandra and came back as a 500.
 * A service registers {@link #module()} as a bean; Spring Boot adds it to its {@code JsonMapper}.
 */
public final class ValidUnicodeStrings {

    /** The original message of the parse failure; the handler recognises it. */
    static final String MESSAGE = "not valid Unicode (unpaired UTF-16 surrogate)";

    private ValidUnicodeStrings() {
    }

    public static JacksonModule module() {
        return new SimpleModule("parley-valid-unicode-strings").addDeserializer(String.class, new Deserializer());
    }

    static final class Deserializer extends StringDeserializer {

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) {
            String value = super.deserialize(p, ctxt);
            if (value != null && !TextRules.isValidUnicode(value)) {
                return ctxt.reportInputMismatch(String.class, MESSAGE);
            }
            return value;
        }
    }
}
