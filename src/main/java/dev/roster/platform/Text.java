package dev.roster.platform;

/**
 * What Roster accepts as text from a client: non-blank, at most a given length, and storable exactly — no control
 * characters (NUL included, which PostgreSQL cannot store) and no lone UTF-16 surrogates (which would be stored as
 * "?"). Text is refused, never repaired.
 */
public final class Text {

    private Text() {}

    /** {@code value} itself when acceptable, else {@code 400 invalid_field} naming {@code field}. */
    public static String check(String field, String value, int maxLength) {
        if (value.isBlank()) {
            throw JsonBody.invalid(field, "must not be blank.");
        }
        if (value.length() > maxLength) {
            throw JsonBody.invalid(field, "may be at most " + maxLength + " characters long.");
        }
        String problem = unstorable(value);
        if (problem != null) {
            throw JsonBody.invalid(field, problem);
        }
        return value;
    }

    /** As {@link #check}, for a query parameter: null stays null, a refusal is {@code 400 invalid_parameter}. */
    public static @org.jspecify.annotations.Nullable String parameter(
            String name, @org.jspecify.annotations.Nullable String value, int maxLength) {
        if (value == null) {
            return null;
        }
        try {
            return check(name, value, maxLength);
        } catch (RosterException e) {
            throw ErrorCode.INVALID_PARAMETER.problem(e.getMessage());
        }
    }

    /** Why {@code value} cannot be stored exactly, or null when it can. */
    public static @org.jspecify.annotations.Nullable String unstorable(String value) {
        return problem(value, true);
    }

    /**
     * Why {@code value}, free-form text inside a JSON document (a user's settings), cannot be stored exactly in
     * PostgreSQL's {@code jsonb}, or null when it can: NUL and lone surrogates only; other control characters are kept
     * (jsonb stores them escaped).
     */
    public static @org.jspecify.annotations.Nullable String unstorableInJson(String value) {
        return problem(value, false);
    }

    private static @org.jspecify.annotations.Nullable String problem(String value, boolean noControls) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                return "may not contain the character U+0000 (NUL).";
            }
            if (noControls && Character.isISOControl(c)) {
                return "may not contain control characters.";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains a lone UTF-16 surrogate.";
            }
            if (Character.isLowSurrogate(c)) {
                return "contains a lone UTF-16 surrogate.";
            }
        }
        return null;
    }

    /** {@code value} with control characters and surrogates as {@code \\uXXXX}: safe to echo in a problem detail. */
    public static String printable(String value) {
        var out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c) || c == '\\') {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
