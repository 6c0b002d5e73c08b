package io.parley.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a CQL script into statements. The driver executes one statement per request, so the
 * migrator needs the boundaries: a {@code ;} that is not inside a comment ({@code --}, {@code //},
 * {@code /* *\/}), a string literal ({@code '…'}, with {@code ''} as an escaped quote), a quoted
 * identifier ({@code "…"}) or a {@code $$…$$} block. Comments are dropped from the statements.
 */
final class CqlScript {

    private CqlScript() {
    }

    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            char next = i + 1 < n ? script.charAt(i + 1) : '\0';
            if ((c == '-' && next == '-') || (c == '/' && next == '/')) {
                int end = script.indexOf('\n', i);
                i = end < 0 ? n : end; // keep the newline as whitespace
            } else if (c == '/' && next == '*') {
                int end = script.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("Unterminated /* comment starting at offset " + i);
                }
                current.append(' ');
                i = end + 2;
            } else if (c == '\'' || c == '"') {
                int end = closingQuote(script, i, c);
                current.append(script, i, end + 1);
                i = end + 1;
            } else if (c == '$' && next == '$') {
                int end = script.indexOf("$$", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("Unterminated $$ block starting at offset " + i);
                }
                current.append(script, i, end + 2);
                i = end + 2;
            } else if (c == ';') {
                addIfNotBlank(statements, current);
                current.setLength(0);
                i++;
            } else {
                current.append(c);
                i++;
            }
        }
        addIfNotBlank(statements, current);
        return List.copyOf(statements);
    }

    /** The index of the quote closing the one at {@code start}; a doubled quote is an escaped one. */
    private static int closingQuote(String script, int start, char quote) {
        int i = start + 1;
        while (i < script.length()) {
            if (script.charAt(i) == quote) {
                if (i + 1 < script.length() && script.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i;
            }
            i++;
        }
        throw new IllegalArgumentException("Unterminated " + quote + " literal starting at offset " + start);
    }

    private static void addIfNotBlank(List<String> statements, StringBuilder statement) {
        String text = statement.toString().strip();
        if (!text.isEmpty()) {
            statements.add(text);
        }
    }
}
