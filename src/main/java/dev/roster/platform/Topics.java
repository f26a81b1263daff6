package dev.roster.platform;

/** Invalidation topics: what a notification says changed. The key is the changed thing's id. */
public final class Topics {

    /** A user's profile, settings or memberships: everything {@code /v1/me} shows. */
    public static final String USER = "user";
    /** A tenant's own fields (slug, name): shown in every member's {@code /v1/me}. */
    public static final String TENANT = "tenant";
    /** A session was revoked. */
    public static final String SESSION = "session";
    /** Signing keys were added or retired; the key is empty. */
    public static final String SIGNING_KEYS = "signing-keys";

    private Topics() {}
}
