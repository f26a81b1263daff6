package dev.roster.authz;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The five global roles seeded by migration V003, by their fixed ids. */
public final class BuiltInRoles {

    public static final UUID SUPER_ADMIN = UUID.fromString("00000000-0000-0000-0000-000000000101");
    public static final UUID TENANT_ADMIN = UUID.fromString("00000000-0000-0000-0000-000000000102");

    public static final String SUPER_ADMIN_SLUG = "super_admin";
    public static final String TENANT_ADMIN_SLUG = "tenant_admin";

    /** The reserved root tenant: {@code super_admin} there is a platform admin. */
    public static final UUID ROOT_TENANT = new UUID(0, 0);

    private BuiltInRoles() {}

    /** Whether a global role of this slug administers its tenant. */
    static boolean administers(@Nullable String globalRoleSlug) {
        return SUPER_ADMIN_SLUG.equals(globalRoleSlug) || TENANT_ADMIN_SLUG.equals(globalRoleSlug);
    }
}
