package dev.roster.authz;

import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A user as checks see them: whether they are active, and their role (id and URN) in each tenant. Immutable. */
record UserStanding(UUID userId, boolean active, Map<UUID, Role> roles) {

    record Role(UUID id, String urn) {}

    @Nullable
    Role roleIn(UUID tenantId) {
        return roles.get(tenantId);
    }

    /** {@code super_admin} in the root tenant (which cannot be deleted). */
    boolean platformAdmin() {
        Role root = roles.get(BuiltInRoles.ROOT_TENANT);
        return root != null && root.id().equals(BuiltInRoles.SUPER_ADMIN);
    }

    /** {@code tenant_admin} or {@code super_admin} in {@code tenantId} (whether it is live is the caller's concern). */
    boolean administers(UUID tenantId) {
        Role role = roles.get(tenantId);
        return role != null
                && (role.id().equals(BuiltInRoles.SUPER_ADMIN) || role.id().equals(BuiltInRoles.TENANT_ADMIN));
    }
}
