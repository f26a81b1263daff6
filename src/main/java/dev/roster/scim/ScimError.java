package dev.roster.scim;

import org.jspecify.annotations.Nullable;

/**
 * A refusal under {@code /scim/v2}, answered in the SCIM error format (RFC 7644 §3.12) by {@link ScimErrors}. The
 * detail is shown to the client, so it never carries internals.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7644#section-3.12">RFC 7644 §3.12</a>
 */
public class ScimError extends RuntimeException {

    private final int status;
    private final @Nullable String scimType;

    public ScimError(int status, @Nullable String scimType, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.scimType = scimType;
    }

    public int status() {
        return status;
    }

    public @Nullable String scimType() {
        return scimType;
    }

    /** The filter cannot be parsed, names an attribute Roster does not have, or compares it in a way it cannot be. */
    public static ScimError invalidFilter(String detail) {
        return new ScimError(400, "invalidFilter", detail);
    }

    /** A parameter or header has a value that is not acceptable. */
    public static ScimError invalidValue(String detail) {
        return new ScimError(400, "invalidValue", detail);
    }

    /** The request could not be read (a malformed path, say). */
    public static ScimError invalidSyntax(String detail) {
        return new ScimError(400, "invalidSyntax", detail);
    }

    /** The answer would be larger than Roster serves (RFC 7644 §3.12 {@code tooMany}); {@code detail} says how to ask. */
    public static ScimError tooMany(String detail) {
        return new ScimError(400, "tooMany", detail);
    }

    /** No such resource, or one outside the client's tenants (the two are indistinguishable on purpose). */
    public static ScimError notFound(String detail) {
        return new ScimError(404, null, detail);
    }

    public static ScimError unauthorized(String detail) {
        return new ScimError(401, null, detail);
    }
}
