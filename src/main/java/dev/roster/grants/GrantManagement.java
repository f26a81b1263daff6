package dev.roster.grants;

import dev.roster.authz.AuthorizationCheck;
import dev.roster.authz.AuthzSettings;
import dev.roster.authz.AuthzSettings.LegacySlugPrincipals;
import dev.roster.authz.Caller;
import dev.roster.authz.GrantSyntax;
import dev.roster.authz.GrantSyntax.Principal;
import dev.roster.outbox.Origin;
import dev.roster.outbox.Outbox;
import dev.roster.outbox.SyncState;
import dev.roster.platform.AuditLog;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.InvalidationBus;
import dev.roster.platform.JsonBody;
import dev.roster.platform.Page;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creating, listing and deleting a tenant's grants. Every change writes the audit row, is announced with a version
 * at commit and drops the tenant's grant index on every node ({@link AuthorizationCheck#GRANTS_TOPIC}), all in one
 * transaction: the next check on the writing node already sees it.
 */
@Service
public class GrantManagement {

    private final Grants grants;
    private final AuditLog audit;
    private final Outbox outbox;
    private final InvalidationBus bus;
    private final LegacySlugPrincipals legacy;
    private final SyncState syncStates;

    GrantManagement(
            Grants grants,
            AuditLog audit,
            Outbox outbox,
            InvalidationBus bus,
            AuthzSettings settings,
            SyncState syncStates) {
        this.syncStates = syncStates;
        this.grants = grants;
        this.audit = audit;
        this.outbox = outbox;
        this.bus = bus;
        this.legacy = settings.legacySlugPrincipals();
    }

    /** A page of the tenant's grants in id order, optionally of one principal and/or permission, with the total. */
    public Page<Grant> list(
            UUID tenantId,
            @Nullable String principal,
            @Nullable String permission,
            @Nullable String cursor,
            int limit) {
        if (principal != null
                && GrantSyntax.principal(principal) == null
                && GrantSyntax.legacyRoleSlug(principal) == null) {
            throw ErrorCode.INVALID_PARAMETER.problem(
                    "'principal' must be user:<uuid>, role:global:<uuid>, role:tenant:<uuid> (or a legacy role:<slug>).");
        }
        if (permission != null && !GrantSyntax.isPermission(permission)) {
            throw ErrorCode.INVALID_PARAMETER.problem("'permission' must be resource:action (the action may be '*').");
        }
        UUID after = Page.uuidKey(cursor);
        List<Grant> page = grants.page(tenantId, principal, permission, after, limit + 1);
        Map<String, SyncState.Of> sync =
                syncStates.of(page.stream().map(g -> target(g.id())).toList());
        return Page.of(
                page.stream().map(g -> g.with(sync.get(target(g.id())))).toList(),
                limit,
                grants.count(tenantId, principal, permission),
                g -> g.id().toString());
    }

    /**
     * Grants {@code permission} on {@code selector} to {@code principal} in the tenant. The principal must exist:
     * a user, a global role, or a role of this tenant ({@code 400 invalid_field}); the same grant twice is
     * {@code 409 grant_exists}.
     */
    @Transactional
    public Grant create(Caller caller, UUID tenantId, String principalUrn, String permission, String selector) {
        String legacySlug = GrantSyntax.legacyRoleSlug(principalUrn);
        if (legacySlug != null) {
            requireLegacyWritable(tenantId, legacySlug, permission, selector);
            return insert(caller, tenantId, principalUrn, permission, selector);
        }
        Principal principal = GrantSyntax.requirePrincipal("principal", principalUrn);
        GrantSyntax.requirePermission("permission", permission);
        GrantSyntax.requireSelector("selector", selector);
        boolean exists = switch (principal.kind()) {
            case USER -> grants.userExists(principal.id());
            case GLOBAL_ROLE -> grants.globalRoleExists(principal.id());
            case TENANT_ROLE -> grants.tenantRoleExists(tenantId, principal.id());
        };
        if (!exists) {
            throw JsonBody.invalid(
                    "principal",
                    switch (principal.kind()) {
                        case USER -> "names no user.";
                        case GLOBAL_ROLE -> "names no global role.";
                        case TENANT_ROLE -> "names no role of this tenant.";
                    });
        }
        return insert(caller, tenantId, principalUrn, permission, selector);
    }

    /**
     * A legacy {@code role:<slug>} grant is written only while {@code ROSTER_AUTHZ_LEGACY_SLUG_PRINCIPALS=write} (an
     * import from an older system), and only for a slug that names a role here or a global one.
     */
    private void requireLegacyWritable(UUID tenantId, String slug, String permission, String selector) {
        if (legacy != LegacySlugPrincipals.WRITE) {
            throw JsonBody.invalid(
                    "principal",
                    "is a legacy role:<slug> principal, which this Roster does not accept on write"
                            + " (ROSTER_AUTHZ_LEGACY_SLUG_PRINCIPALS="
                            + legacy.name().toLowerCase(java.util.Locale.ROOT)
                            + "); name the role as role:global:<uuid> or role:tenant:<uuid>.");
        }
        GrantSyntax.requirePermission("permission", permission);
        GrantSyntax.requireSelector("selector", selector);
        if (!grants.roleSlugExists(tenantId, slug)) {
            throw JsonBody.invalid(
                    "principal", "names no role of this tenant and no global role (slug '" + slug + "').");
        }
    }

    private Grant insert(Caller caller, UUID tenantId, String principalUrn, String permission, String selector) {
        Grant inserted = grants.insert(tenantId, principalUrn, permission, selector, caller.actor())
                .orElseThrow(() -> ErrorCode.GRANT_EXISTS.problem("This tenant already grants " + permission + " on '"
                        + selector + "' to " + principalUrn + "."));
        Grant created = grants.stamp(inserted.id(), bus.version());
        audit.record(caller.actor(), "grant.created", target(created.id()), tenantId, null, created);
        outbox.append(Outbox.TENANT, tenantId.toString(), target(created.id()), "grant.created", created, Origin.LOCAL);
        bus.publish(AuthorizationCheck.GRANTS_TOPIC, tenantId.toString());
        return created;
    }

    /** Deletes the tenant's grant {@code grantId}; {@code 404 grant_not_found} when it has none such. */
    @Transactional
    public Grant delete(Caller caller, UUID tenantId, UUID grantId) {
        bus.join();
        Grant deleted = grants.delete(tenantId, grantId)
                .orElseThrow(() -> ErrorCode.GRANT_NOT_FOUND.problem(
                        "There is no grant " + grantId + " in tenant " + tenantId + "."));
        audit.record(caller.actor(), "grant.deleted", target(grantId), tenantId, removed(deleted), null);
        outbox.append(Outbox.TENANT, tenantId.toString(), target(deleted.id()), "grant.deleted", deleted, Origin.LOCAL);
        bus.publish(AuthorizationCheck.GRANTS_TOPIC, tenantId.toString());
        return deleted;
    }

    /**
     * Deletes every grant of {@code principal} in the tenant, each audited as deleted by {@code actor}, in the
     * caller's transaction: what a role's deletion does to the grants naming it.
     */
    @Transactional
    public int deleteAllOf(String actor, UUID tenantId, String principal) {
        return deleted(actor, grants.deleteOfPrincipal(tenantId, principal), Origin.LOCAL);
    }

    /**
     * As {@link #deleteAllOf}, in every tenant: what a global role's deletion by the upstream does to the grants
     * naming it ({@code origin} upstream: reported to subscribers, never written back).
     */
    @Transactional
    public int deleteAllOfEverywhere(String actor, String principal, Origin origin) {
        return deleted(actor, grants.deleteOfPrincipalEverywhere(principal), origin);
    }

    private int deleted(String actor, List<Grant> deleted, Origin origin) {
        var tenants = new java.util.TreeSet<UUID>();
        for (Grant grant : deleted) {
            UUID tenantId = grant.tenantId();
            audit.record(actor, "grant.deleted", target(grant.id()), tenantId, removed(grant), null);
            outbox.append(Outbox.TENANT, tenantId.toString(), target(grant.id()), "grant.deleted", grant, origin);
            tenants.add(tenantId);
        }
        for (UUID tenantId : tenants) {
            bus.publish(AuthorizationCheck.GRANTS_TOPIC, tenantId.toString());
        }
        return deleted.size();
    }

    /** What the audit log keeps of a deleted grant. */
    private static Map<String, String> removed(Grant grant) {
        return Map.of(
                "principal", grant.principal(),
                "permission", grant.permission(),
                "selector", grant.selector());
    }

    private static String target(UUID grantId) {
        return "grant:" + grantId;
    }
}
