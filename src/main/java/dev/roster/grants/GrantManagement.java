package dev.roster.grants;

import dev.roster.authz.AuthorizationCheck;
import dev.roster.authz.Caller;
import dev.roster.authz.GrantSyntax;
import dev.roster.authz.GrantSyntax.Principal;
import dev.roster.platform.AuditLog;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.InvalidationBus;
import dev.roster.platform.JsonBody;
import dev.roster.platform.Page;
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
    private final InvalidationBus bus;

    GrantManagement(Grants grants, AuditLog audit, InvalidationBus bus) {
        this.grants = grants;
        this.audit = audit;
        this.bus = bus;
    }

    /** A page of the tenant's grants in id order, optionally of one principal and/or permission, with the total. */
    public Page<Grant> list(
            UUID tenantId,
            @Nullable String principal,
            @Nullable String permission,
            @Nullable String cursor,
            int limit) {
        if (principal != null && GrantSyntax.principal(principal) == null) {
            throw ErrorCode.INVALID_PARAMETER.problem(
                    "'principal' must be user:<uuid>, role:global:<uuid> or role:tenant:<uuid>.");
        }
        if (permission != null && !GrantSyntax.isPermission(permission)) {
            throw ErrorCode.INVALID_PARAMETER.problem("'permission' must be resource:action (the action may be '*').");
        }
        UUID after = Page.uuidKey(cursor);
        return Page.of(
                grants.page(tenantId, principal, permission, after, limit + 1),
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
        Grant inserted = grants.insert(tenantId, principalUrn, permission, selector, caller.actor())
                .orElseThrow(() -> ErrorCode.GRANT_EXISTS.problem("This tenant already grants " + permission + " on '"
                        + selector + "' to " + principalUrn + "."));
        Grant created = grants.stamp(inserted.id(), bus.version());
        audit.record(caller.actor(), "grant.created", target(created.id()), tenantId, null, created);
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
        audit.record(
                caller.actor(),
                "grant.deleted",
                target(grantId),
                tenantId,
                Map.of(
                        "principal", deleted.principal(),
                        "permission", deleted.permission(),
                        "selector", deleted.selector()),
                null);
        bus.publish(AuthorizationCheck.GRANTS_TOPIC, tenantId.toString());
        return deleted;
    }

    private static String target(UUID grantId) {
        return "grant:" + grantId;
    }
}
