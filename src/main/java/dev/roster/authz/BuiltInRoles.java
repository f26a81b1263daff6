package dev.roster.authz;

import java.util.UUID;

/** The five global roles seeded by migration V003, by their fixed ids. */
public final class BuiltInRoles {

    public static final UUID SUPER_ADMIN = UUID.fromString("00000000-0000-0000-0000-000000000101");
    public static final UUID TENANT_ADMIN = UUID.fromString("00000000-0000-0000-0000-000000000102");
    public static final UUID OPERATOR = UUID.fromString("00000000-0000-0000-0000-000000000103");
    public static final UUID DEVELOPER = UUID.fromString("00000000-0000-0000-0000-000000000104");
    public static final UUID VIEWER = UUID.fromString("00000000-0000-0000-0000-000000000105");

    /** The reserved root tenant: {@code super_admin} there is a platform admin. */
    public static final UUID ROOT_TENANT = new UUID(0, 0);

    private BuiltInRoles() {}
}
