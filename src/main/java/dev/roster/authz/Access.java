package dev.roster.authz;

import dev.roster.platform.ErrorCode;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads what the permission model needs, straight from the database (one indexed query per request, never a cache):
 * a role revoked a moment ago is already gone on every node.
 */
@Repository
public class Access {

    // The root tenant and the route's tenant (when live), with the caller's role in each; memberships of deleted
    // tenants never count. Two tenant primary-key probes, each with one membership probe on both key columns.
    private static final String ROLES_IN = """
            SELECT t.id AS tenant_id,
                   (SELECT m.role_id FROM memberships m WHERE m.user_id = :user AND m.tenant_id = t.id) AS role_id
            FROM tenants t
            WHERE t.id IN (:root, :tenant) AND t.deleted_at IS NULL
            """;

    private static final String ADMINISTERED_TENANTS = """
            SELECT m.tenant_id
            FROM memberships m
            JOIN tenants t ON t.id = m.tenant_id AND t.deleted_at IS NULL
            WHERE m.user_id = :user AND m.role_id IN (:superAdmin, :tenantAdmin)
            """;

    // The platform admins' root memberships, locked in one order until commit.
    private static final String LOCK_PLATFORM_ADMINS = """
            SELECT m.user_id FROM memberships m
            WHERE m.tenant_id = :root AND m.role_id = :superAdmin
            ORDER BY m.user_id
            FOR UPDATE
            """;

    // Platform admins who can still act: super_admin in the root tenant, active.
    private static final String ACTIVE_PLATFORM_ADMINS_OTHER_THAN = """
            SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id AND u.is_active
            WHERE m.tenant_id = :root AND m.role_id = :superAdmin AND m.user_id <> :userId
            """;

    private final JdbcClient jdbc;

    Access(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The caller, with their standing in {@code tenantId} (null: the route has no tenant). */
    public Caller caller(UUID userId, @Nullable UUID tenantId) {
        record Row(UUID tenantId, @Nullable UUID roleId) {}
        List<Row> rows = jdbc.sql(ROLES_IN)
                .param("user", userId)
                .param("root", BuiltInRoles.ROOT_TENANT)
                .param("tenant", tenantId == null ? BuiltInRoles.ROOT_TENANT : tenantId)
                .query((rs, i) -> new Row(rs.getObject("tenant_id", UUID.class), rs.getObject("role_id", UUID.class)))
                .list();
        boolean platformAdmin = false;
        boolean tenantLive = false;
        boolean member = false;
        boolean admin = false;
        for (Row row : rows) {
            if (row.tenantId().equals(BuiltInRoles.ROOT_TENANT) && BuiltInRoles.SUPER_ADMIN.equals(row.roleId())) {
                platformAdmin = true;
            }
            if (row.tenantId().equals(tenantId)) {
                tenantLive = true;
                member = row.roleId() != null;
                admin = BuiltInRoles.SUPER_ADMIN.equals(row.roleId()) || BuiltInRoles.TENANT_ADMIN.equals(row.roleId());
            }
        }
        return new Caller(userId, platformAdmin, tenantLive ? tenantId : null, member, admin);
    }

    /** The live tenants {@code userId} administers ({@code tenant_admin} or {@code super_admin} there). */
    public List<UUID> tenantsAdministeredBy(UUID userId) {
        return jdbc.sql(ADMINISTERED_TENANTS)
                .param("user", userId)
                .param("superAdmin", BuiltInRoles.SUPER_ADMIN)
                .param("tenantAdmin", BuiltInRoles.TENANT_ADMIN)
                .query(UUID.class)
                .list();
    }

    /**
     * Locks the platform admins' root memberships until commit. A change that may take platform administration from
     * someone calls it before locking anything else of the root tenant's memberships, so such changes queue up in one
     * order instead of deadlocking.
     */
    public void lockPlatformAdmins() {
        jdbc.sql(LOCK_PLATFORM_ADMINS)
                .param("root", BuiltInRoles.ROOT_TENANT)
                .param("superAdmin", BuiltInRoles.SUPER_ADMIN)
                .query(UUID.class)
                .list();
    }

    /**
     * Refuses with {@code 409 last_platform_admin} when taking platform administration from {@code userId} (revoking
     * or changing their root membership, deactivating them) would leave nobody able to administer the platform. It
     * locks the admins' root memberships first, then counts in a statement of its own: that statement's snapshot
     * is taken after the lock was granted, so it sees what a concurrent change that held the lock committed (two
     * admins removing each other at once: the second one is refused).
     */
    public void requireAnotherPlatformAdmin(UUID userId) {
        lockPlatformAdmins();
        long others = jdbc.sql(ACTIVE_PLATFORM_ADMINS_OTHER_THAN)
                .param("userId", userId)
                .param("root", BuiltInRoles.ROOT_TENANT)
                .param("superAdmin", BuiltInRoles.SUPER_ADMIN)
                .query(Long.class)
                .single();
        if (others == 0) {
            throw ErrorCode.LAST_PLATFORM_ADMIN.problem(
                    "This is the last active platform admin; make someone else one first.");
        }
    }

    /** Whether {@code userId} holds {@code super_admin} in the root tenant. */
    public boolean isPlatformAdmin(UUID userId) {
        return caller(userId, null).platformAdmin();
    }
}
