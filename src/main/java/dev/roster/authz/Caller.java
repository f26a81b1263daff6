package dev.roster.authz;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The signed-in user as the permission model sees them for one request: whether they administer the platform and,
 * when the route has a tenant, whether they belong to it and administer it. Controllers receive it by declaring a
 * parameter of this type, for the finer rules a route has (a tenant admin may not hand out {@code super_admin}).
 */
public record Caller(
        UUID userId,
        boolean platformAdmin,
        @Nullable UUID tenantId,
        boolean tenantMember,
        boolean tenantAdmin,
        @Nullable List<UUID> administeredTenants) {

    public Caller(
            UUID userId, boolean platformAdmin, @Nullable UUID tenantId, boolean tenantMember, boolean tenantAdmin) {
        this(userId, platformAdmin, tenantId, tenantMember, tenantAdmin, null);
    }

    /**
     * Whose data a route of {@link Rule#ANY_TENANT_ADMIN} may show: null for a platform admin (everyone's), else the
     * tenants the caller administers.
     */
    public @Nullable List<UUID> scope() {
        if (platformAdmin) {
            return null;
        }
        if (administeredTenants == null) {
            throw new IllegalStateException("the caller's tenants are known only on ANY_TENANT_ADMIN routes");
        }
        return administeredTenants;
    }

    Caller administering(List<UUID> tenants) {
        return new Caller(userId, platformAdmin, tenantId, tenantMember, tenantAdmin, List.copyOf(tenants));
    }

    /** Platform admin, or {@code tenant_admin}/{@code super_admin} of the route's tenant. */
    public boolean administersTenant() {
        return platformAdmin || tenantAdmin;
    }

    /** The audit log's name for this caller. */
    public String actor() {
        return "user:" + userId;
    }
}
