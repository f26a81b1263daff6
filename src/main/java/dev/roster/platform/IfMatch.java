package dev.roster.platform;

import org.jspecify.annotations.Nullable;

/**
 * The {@code If-Match} header of a conditional write, carrying the {@code version} the client read (as the
 * {@code ETag} of a single resource answers it: {@code "57"}; quotes and a weak prefix are accepted).
 */
public final class IfMatch {

    public static final String HEADER = "If-Match";

    private IfMatch() {}

    /** The version the client expects, or null when it sent no precondition (or {@code *}). */
    public static @Nullable Long version(@Nullable String header) {
        if (header == null || header.isBlank() || header.trim().equals("*")) {
            return null;
        }
        String value = header.trim();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ErrorCode.INVALID_PARAMETER.problem(
                    "'If-Match' must carry a version this API answered, e.g. \"57\".");
        }
    }

    /** The {@code ETag} of a resource at {@code version}. */
    public static String etag(long version) {
        return "\"" + version + "\"";
    }
}
