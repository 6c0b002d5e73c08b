package io.parley.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One versioned CQL file, {@code V<version>__<description>.cql}.
 *
 * @param checksum SHA-256 of the file's text: an applied migration whose file later changed is an
 *                 error (the databases that already ran it would silently differ from new ones)
 */
public record Migration(int version, String description, String resourceName, String checksum,
                        List<String> statements) {

    private static final Pattern FILE_NAME = Pattern.compile("V(\\d+)__(\\w+)\\.cql");

    public Migration {
        statements = List.copyOf(statements);
    }

    /** Parses a migration from its file name (no directory) and content. */
    static Migration parse(String fileName, String content) {
        Matcher matcher = FILE_NAME.matcher(fileName);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Not a migration file name (V<number>__<words>.cql): " + fileName);
        }
        return new Migration(
                Integer.parseInt(matcher.group(1)),
                matcher.group(2).replace('_', ' '),
                fileName,
                sha256(content),
                CqlScript.statements(content));
    }

    static boolean isMigrationFileName(String fileName) {
        return FILE_NAME.matcher(fileName).matches();
    }

    private static String sha256(String content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }
}
