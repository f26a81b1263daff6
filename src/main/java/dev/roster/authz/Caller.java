package dev.roster.authz;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The signed-in user as the permission model sees them for one request: whether they administer the platform and,
 * when the route has a tenant, whether they belong to it and administer it. Controllers receive it by declaring a
 * parameter of this type, for the finer rules a route has (a tenant admin may not hand out {@code super_admin}).
 */
public record Caller(
        UUID userId, boolean platformAdmin, @Nullable UUID tenantId, boolean tenantMember, boolean tenantAdmin) {

    /** Platform admin, or {@code tenant_admin}/{@code super_admin} of the route's tenant. */
    public boolean administersTenant() {
        return platformAdmin || tenantAdmin;
    }

    /** The audit log's name for this caller. */
    public String actor() {
        return "user:" + userId;
    }
}
