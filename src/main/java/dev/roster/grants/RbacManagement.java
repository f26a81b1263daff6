package dev.roster.grants;

import dev.roster.authz.AuthorizationCheck;
import dev.roster.authz.Caller;
import dev.roster.grants.SystemGrants.RoleGrants;
import dev.roster.outbox.Origin;
import dev.roster.outbox.Outbox;
import dev.roster.platform.AuditLog;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.InvalidationBus;
import dev.roster.tenants.Tenants;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Enabling and disabling RBAC in a tenant: seeding, and removing, the built-in roles' {@linkplain SystemGrants system
 * grants} and setting {@code tenants.rbac_enabled}, each in one transaction (docs/authorization.md).
 *
 * <p>IMPORTANT: enable runs a preflight before it writes anything: the tenant (live, locked until commit) and every
 * built-in role it grants to (held with {@code FOR KEY SHARE}) must exist, else {@code 409 rbac_preflight_failed}
 * naming what is missing, and nothing changes. Lock order: the tenant row, the roles, the grants, then the version.
 */
@Service
public class RbacManagement {

    /** What enable or disable did: the number of grants seeded or removed, and whether the flag changed. */
    public record Outcome(UUID tenantId, boolean rbacEnabled, int grants) {}

    private final Grants grants;
    private final Tenants tenants;
    private final AuditLog audit;
    private final Outbox outbox;
    private final InvalidationBus bus;

    RbacManagement(Grants grants, Tenants tenants, AuditLog audit, Outbox outbox, InvalidationBus bus) {
        this.grants = grants;
        this.tenants = tenants;
        this.audit = audit;
        this.outbox = outbox;
        this.bus = bus;
    }

    /**
     * Seeds the system grants the tenant lacks and enables RBAC there. Idempotent: when everything is in place it
     * changes nothing (no write, no audit row) and answers zero seeded.
     */
    @Transactional
    public Outcome enable(Caller caller, UUID tenantId) {
        // Preflight: read and lock everything the seeding needs, before writing anything.
        var missing = new ArrayList<String>();
        Boolean wasEnabled = tenants.lockRbacEnabled(tenantId).orElse(null);
        if (wasEnabled == null) {
            missing.add("tenant " + tenantId);
        }
        var present = new HashSet<>(grants.globalRolesPresent(
                SystemGrants.TABLE.stream().map(RoleGrants::roleId).toList()));
        for (RoleGrants role : SystemGrants.TABLE) {
            if (!present.contains(role.roleId())) {
                missing.add("built-in role " + role.slug() + " (" + role.roleId() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw ErrorCode.RBAC_PREFLIGHT_FAILED.problem(
                    "RBAC was not enabled, and nothing changed: missing " + String.join(", ", missing) + ".");
        }

        var seeded = new ArrayList<UUID>();
        for (RoleGrants role : SystemGrants.TABLE) {
            for (String permission : role.permissions()) {
                grants.insert(tenantId, role.principal(), permission, SystemGrants.SELECTOR, SystemGrants.CREATED_BY)
                        .ifPresent(g -> seeded.add(g.id()));
            }
        }
        if (seeded.isEmpty() && wasEnabled) {
            return new Outcome(tenantId, true, 0);
        }
        long version = bus.version();
        grants.stampAll(seeded, version);
        if (!wasEnabled) {
            tenants.setRbacEnabled(tenantId, true, version);
        }
        audit.record(
                caller.actor(),
                "tenant.rbac_enabled",
                target(tenantId),
                tenantId,
                Map.of("rbac_enabled", wasEnabled),
                Map.of("rbac_enabled", true, "seeded", seeded.size(), "system_grants", SystemGrants.size()));
        if (!seeded.isEmpty() || !wasEnabled) {
            outbox.append(
                    Outbox.TENANT,
                    tenantId.toString(),
                    "tenant.rbac_enabled",
                    Map.of("tenant_id", tenantId, "seeded", seeded.size()),
                    Origin.LOCAL);
        }
        publish(tenantId, !seeded.isEmpty(), !wasEnabled);
        return new Outcome(tenantId, true, seeded.size());
    }

    /**
     * Removes the system grants enable seeded (exactly the table's rows it wrote; grants admins added stay, even the
     * same ones) and disables RBAC. Idempotent; {@code 404 tenant_not_found} without a live tenant.
     */
    @Transactional
    public Outcome disable(Caller caller, UUID tenantId) {
        boolean wasEnabled = tenants.lockRbacEnabled(tenantId)
                .orElseThrow(() -> ErrorCode.TENANT_NOT_FOUND.problem("There is no tenant " + tenantId + "."));
        int removed = 0;
        for (RoleGrants role : SystemGrants.TABLE) {
            for (String permission : role.permissions()) {
                if (grants.deleteSeeded(
                        tenantId, role.principal(), permission, SystemGrants.SELECTOR, SystemGrants.CREATED_BY)) {
                    removed++;
                }
            }
        }
        if (removed == 0 && !wasEnabled) {
            return new Outcome(tenantId, false, 0);
        }
        if (wasEnabled) {
            tenants.setRbacEnabled(tenantId, false, bus.version());
        }
        audit.record(
                caller.actor(),
                "tenant.rbac_disabled",
                target(tenantId),
                tenantId,
                Map.of("rbac_enabled", wasEnabled),
                Map.of("rbac_enabled", false, "removed", removed));
        if (removed > 0 || wasEnabled) {
            outbox.append(
                    Outbox.TENANT,
                    tenantId.toString(),
                    "tenant.rbac_disabled",
                    Map.of("tenant_id", tenantId, "removed", removed),
                    Origin.LOCAL);
        }
        publish(tenantId, removed > 0, wasEnabled);
        return new Outcome(tenantId, false, removed);
    }

    private void publish(UUID tenantId, boolean grantsChanged, boolean flagChanged) {
        bus.join();
        if (grantsChanged) {
            bus.publish(AuthorizationCheck.GRANTS_TOPIC, tenantId.toString());
        }
        if (flagChanged) {
            bus.publish(Tenants.TOPIC, tenantId.toString());
        }
    }

    private static String target(UUID tenantId) {
        return "tenant:" + tenantId;
    }
}
