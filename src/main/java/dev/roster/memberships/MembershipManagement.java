package dev.roster.memberships;

import dev.roster.connectors.UpstreamUser.RoleAssignment;
import dev.roster.platform.AuditLog;
import dev.roster.platform.InvalidationBus;
import dev.roster.platform.Topics;
import dev.roster.roles.Role;
import dev.roster.roles.Roles;
import dev.roster.tenants.Tenant;
import dev.roster.tenants.Tenants;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Changes to who holds which role where. Every change is audited and invalidates the user's cached view. */
@Service
public class MembershipManagement {

    private static final Logger log = LoggerFactory.getLogger(MembershipManagement.class);

    // A local membership (assigned in Roster) is never overwritten by what the upstream says.
    private static final String UPSERT_UPSTREAM = """
            INSERT INTO memberships (user_id, tenant_id, role_id, source)
            VALUES (:userId, :tenantId, :roleId, 'upstream')
            ON CONFLICT (user_id, tenant_id) DO UPDATE
                SET role_id = EXCLUDED.role_id, updated_at = now()
                WHERE memberships.source = 'upstream' AND memberships.role_id <> EXCLUDED.role_id
            """;

    private final JdbcClient jdbc;
    private final Tenants tenants;
    private final Roles roles;
    private final AuditLog audit;
    private final InvalidationBus bus;

    MembershipManagement(JdbcClient jdbc, Tenants tenants, Roles roles, AuditLog audit, InvalidationBus bus) {
        this.jdbc = jdbc;
        this.tenants = tenants;
        this.roles = roles;
        this.audit = audit;
        this.bus = bus;
    }

    /**
     * Gives the user the roles the upstream names, creating tenants Roster does not know yet. Where the upstream
     * names several roles in one tenant the highest priority wins; unknown role names are skipped (logged), never a
     * reason to drop the others. Returns how many memberships were added or changed.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public int grantUpstreamRoles(UUID userId, List<RoleAssignment> assignments, String actor) {
        Map<UUID, Role> strongestPerTenant = new LinkedHashMap<>();
        // One order for everyone: two first sign-ins creating the same new tenants in opposite orders would
        // otherwise wait on each other's uncommitted rows and deadlock.
        var ordered = assignments.stream()
                .sorted(Comparator.comparing((RoleAssignment a) -> a.tenant().externalId()))
                .toList();
        for (RoleAssignment assignment : ordered) {
            Optional<Role> role = roles.findGlobalBySlug(assignment.role());
            if (role.isEmpty()) {
                log.warn("upstream names unknown role '{}'; skipping it", assignment.role());
                continue;
            }
            var upstreamTenant = assignment.tenant();
            Tenant tenant = tenants.findOrCreateFromUpstream(
                    upstreamTenant.externalId(), upstreamTenant.name(), upstreamTenant.slug(), actor);
            strongestPerTenant.merge(tenant.id(), role.get(), (a, b) -> a.priority() >= b.priority() ? a : b);
        }
        int changed = 0;
        // Tenant ids are random: sort again so membership rows are also written in one order.
        var byTenant = new java.util.TreeMap<>(strongestPerTenant);
        for (var entry : byTenant.entrySet()) {
            int rows = jdbc.sql(UPSERT_UPSTREAM)
                    .param("userId", userId)
                    .param("tenantId", entry.getKey())
                    .param("roleId", entry.getValue().id())
                    .update();
            if (rows > 0) {
                changed++;
                audit.record(
                        actor,
                        "membership.upserted",
                        "membership:" + userId + ":" + entry.getKey(),
                        null,
                        Map.of("role", entry.getValue().slug(), "source", "upstream"));
            }
        }
        if (changed > 0) {
            bus.publish(Topics.USER, userId.toString());
        }
        return changed;
    }
}
