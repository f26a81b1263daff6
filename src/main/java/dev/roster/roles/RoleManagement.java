package dev.roster.roles;

import dev.roster.authz.AuthorizationCheck;
import dev.roster.authz.Caller;
import dev.roster.grants.GrantManagement;
import dev.roster.outbox.Origin;
import dev.roster.outbox.Outbox;
import dev.roster.platform.AuditLog;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.InvalidationBus;
import dev.roster.platform.Page;
import dev.roster.platform.RosterException;
import dev.roster.tenants.Tenants;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * A tenant's own roles, and the global roles the upstream defines. The five built-ins are read-only; a role still
 * held by someone cannot be deleted. Slugs are unique across the global roles and each tenant's own.
 */
@Service
public class RoleManagement {

    static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    public static final int MAX_PRIORITY = 1000;

    private final Roles roles;
    private final GrantManagement grants;
    private final AuditLog audit;
    private final Outbox outbox;
    private final InvalidationBus bus;

    RoleManagement(Roles roles, GrantManagement grants, AuditLog audit, Outbox outbox, InvalidationBus bus) {
        this.roles = roles;
        this.grants = grants;
        this.audit = audit;
        this.outbox = outbox;
        this.bus = bus;
    }

    public record NewRole(String slug, String name, int priority) {}

    public record RolePatch(
            @Nullable String slug,
            @Nullable String name,
            @Nullable Integer priority) {}

    /** What became of a change the upstream pushed: applied, nothing to do, or refused (and why). */
    public enum Outcome {
        CHANGED,
        UNCHANGED,
        REFUSED
    }

    public record Applied(Outcome outcome, @Nullable String detail) {}

    /** The global roles: the built-ins and those the upstream defines. */
    public Page<Role> builtIns() {
        var all = roles.global();
        return new Page<>(all, null, all.size());
    }

    public Page<Role> list(UUID tenantId, @Nullable String cursor, int limit) {
        UUID after = Page.uuidKey(cursor);
        return Page.of(
                roles.pageOfTenant(tenantId, after, limit + 1),
                limit,
                roles.countOfTenant(tenantId),
                r -> r.id().toString());
    }

    public Role get(UUID tenantId, UUID roleId) {
        return roles.find(roleId).filter(r -> tenantId.equals(r.tenantId())).orElseThrow(() -> notFound(roleId));
    }

    @Transactional
    public Role create(Caller caller, UUID tenantId, NewRole request) {
        roles.lockSlugs();
        String slug = requireSlug(request.slug());
        Role inserted = roles.insert(tenantId, slug, request.name(), request.priority(), null, 0)
                .orElseThrow(() -> slugTaken(slug));
        Role created = roles.stamp(inserted.id(), bus.version());
        audit.record(caller.actor(), "role.created", created.urn(), tenantId, null, created);
        outbox.append(Outbox.TENANT, tenantId.toString(), "role.created", created, Origin.LOCAL);
        // A legacy role:<slug> grant of this tenant may now stand for the new role.
        bus.publish(AuthorizationCheck.GRANTS_TOPIC, tenantId.toString());
        return created;
    }

    @Transactional
    public Role patch(Caller caller, UUID tenantId, UUID roleId, RolePatch patch, @Nullable Long ifMatch) {
        bus.join();
        if (patch.slug() != null) {
            roles.lockSlugs();
        }
        Role before = roles.lockOfTenant(tenantId, roleId).orElseThrow(() -> notFound(roleId));
        if (ifMatch != null && ifMatch != before.version()) {
            throw ErrorCode.VERSION_CONFLICT.problem("The role changed since version " + ifMatch + " (it is at "
                    + before.version() + "); read it again and retry.");
        }
        String slug = patch.slug() == null ? before.slug() : requireSlug(patch.slug());
        if (!slug.equals(before.slug()) && roles.resolve(tenantId, slug).isPresent()) {
            throw slugTaken(slug);
        }
        var changed = new Role(
                roleId,
                tenantId,
                slug,
                patch.name() == null ? before.name() : patch.name(),
                patch.priority() == null ? before.priority() : patch.priority(),
                null,
                before.version());
        if (changed.equals(before)) {
            return before;
        }
        roles.update(changed);
        Role after = roles.stamp(roleId, bus.version());
        audit.record(caller.actor(), "role.updated", after.urn(), tenantId, before, after);
        outbox.append(Outbox.TENANT, tenantId.toString(), "role.updated", after, Origin.LOCAL);
        // Members' views show their role's slug and order by priority.
        bus.publish(Tenants.TOPIC, tenantId.toString());
        return after;
    }

    @Transactional
    public void delete(Caller caller, UUID tenantId, UUID roleId) {
        bus.join();
        Role before = roles.lockOfTenant(tenantId, roleId).orElseThrow(() -> notFound(roleId));
        if (roles.inUse(roleId)) {
            throw ErrorCode.ROLE_IN_USE.problem(
                    "Role " + before.slug() + " is still held by members; assign them another role first.");
        }
        // Its grants go with it, audited one by one: a later role cannot inherit them by chance.
        grants.deleteAllOf(caller.actor(), tenantId, before.urn());
        // And the tenant's legacy grants by its slug, which stood for it: a later role of that slug gets nothing.
        grants.deleteAllOf(caller.actor(), tenantId, "role:" + before.slug());
        roles.delete(roleId);
        audit.record(caller.actor(), "role.deleted", before.urn(), tenantId, before, null);
        outbox.append(Outbox.TENANT, tenantId.toString(), "role.deleted", before, Origin.LOCAL);
        bus.publish(AuthorizationCheck.GRANTS_TOPIC, tenantId.toString());
    }

    /**
     * The upstream has the global role {@code externalId} ({@code role.created}/{@code role.updated}): Roster creates
     * it, or takes its new slug, name and priority (a name or priority it does not say stays; a new role's are its
     * slug and 0). Refused
     * when its slug is taken: by another of the upstream's roles, or by a tenant's own role (which a global one of
     * that slug would hide). A built-in's slug is not taken: memberships naming it get the built-in, as Roster defines
     * it.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Applied applyGlobalFromUpstream(
            String externalId, String slug, @Nullable String name, @Nullable Integer priority, String actor) {
        roles.lockSlugs();
        Role before = roles.lockGlobalByExternalId(externalId).orElse(null);
        Role holder = roles.findStoredGlobalBySlug(slug).orElse(null);
        if (holder != null && (before == null || !holder.id().equals(before.id()))) {
            if (holder.builtIn() && before == null) {
                return new Applied(
                        Outcome.UNCHANGED,
                        "'" + slug + "' is one of Roster's built-in roles: memberships naming it get the built-in");
            }
            return new Applied(
                    Outcome.REFUSED,
                    "the slug '" + slug + "' is taken by "
                            + (holder.builtIn()
                                    ? "a built-in role"
                                    : "the upstream's role '" + holder.externalId() + "'"));
        }
        if (holder == null) {
            Role hidden = roles.findOfSomeTenantBySlug(slug).orElse(null);
            if (hidden != null) {
                return new Applied(
                        Outcome.REFUSED,
                        "tenant " + hidden.tenantId() + " has a role '" + slug + "' of its own (" + hidden.id()
                                + "), which a global role of that slug would hide: rename it, then replay this event");
            }
        }
        if (before == null) {
            Role inserted = roles.insert(
                            null, slug, name == null ? slug : name, priority == null ? 0 : priority, externalId, 0)
                    .orElseThrow();
            Role created = roles.stamp(inserted.id(), bus.version());
            audit.record(actor, "role.created", created.urn(), null, created);
            outbox.append(Outbox.ROLE, created.id().toString(), "role.created", created, Origin.UPSTREAM);
            bus.publish(AuthorizationCheck.GLOBAL_ROLES_TOPIC, created.id().toString());
            return new Applied(Outcome.CHANGED, null);
        }
        var changed = new Role(
                before.id(),
                null,
                slug,
                name == null ? before.name() : name,
                priority == null ? before.priority() : priority,
                externalId,
                before.version());
        if (changed.equals(before)) {
            return new Applied(Outcome.UNCHANGED, "the role is as the upstream says");
        }
        roles.update(changed);
        Role after = roles.stamp(before.id(), bus.version());
        audit.record(actor, "role.updated", after.urn(), before, after);
        outbox.append(Outbox.ROLE, after.id().toString(), "role.updated", after, Origin.UPSTREAM);
        bus.publish(AuthorizationCheck.GLOBAL_ROLES_TOPIC, after.id().toString());
        return new Applied(Outcome.CHANGED, null);
    }

    /**
     * The upstream deleted its global role {@code externalId} ({@code role.deleted}): Roster deletes it with the
     * grants naming it in every tenant (by URN, and legacy {@code role:<slug>} ones, which stood for it), and the
     * dormant memberships that still name it (of deactivated users, in deleted tenants: kept for a return or an
     * audit, which no event or pull will ever change). Refused while active users hold it in live tenants, as for a
     * tenant's role: their memberships go first (the upstream's {@code membership.deleted} events, or the next sync).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Applied deleteGlobalFromUpstream(String externalId, String actor) {
        roles.lockSlugs(); // a membership about to hold it settles first (Roles#globalToHold)
        Role before = roles.lockGlobalByExternalId(externalId).orElse(null);
        if (before == null) {
            return new Applied(Outcome.UNCHANGED, "Roster has no role '" + externalId + "' from the upstream");
        }
        long holders = roles.holders(before.id());
        if (holders > 0) {
            return new Applied(
                    Outcome.REFUSED,
                    "role '" + before.slug() + "' is still held by " + holders + " active member(s) of live tenants;"
                            + " replay this event once they hold another role or none");
        }
        for (Roles.Holder dormant : roles.deleteDormantHolders(before.id())) {
            // No cache to drop: a deactivated user's or a deleted tenant's checks are refused before any role counts.
            String membership = "membership:" + dormant.userId() + ":" + dormant.tenantId();
            audit.record(
                    actor,
                    "membership.revoked",
                    membership,
                    dormant.tenantId(),
                    java.util.Map.of("role_id", before.id(), "reason", "role deleted"),
                    null);
            outbox.append(
                    Outbox.USER,
                    dormant.userId().toString(),
                    membership,
                    "membership.revoked",
                    java.util.Map.of("user_id", dormant.userId(), "tenant_id", dormant.tenantId()),
                    Origin.UPSTREAM);
        }
        grants.deleteAllOfEverywhere(actor, before.urn(), Origin.UPSTREAM);
        grants.deleteAllOfEverywhere(actor, "role:" + before.slug(), Origin.UPSTREAM);
        roles.delete(before.id());
        audit.record(actor, "role.deleted", before.urn(), before, null);
        outbox.append(Outbox.ROLE, before.id().toString(), "role.deleted", before, Origin.UPSTREAM);
        bus.publish(AuthorizationCheck.GLOBAL_ROLES_TOPIC, before.id().toString());
        return new Applied(Outcome.CHANGED, null);
    }

    private String requireSlug(String slug) {
        if (!SLUG.matcher(slug).matches()) {
            throw ErrorCode.INVALID_FIELD.problem(
                    "'slug' must be 1 to 63 characters of a-z, 0-9, '_' and '-', starting with a letter or digit.");
        }
        if (roles.findGlobalBySlug(slug).isPresent()) {
            throw slugTaken(slug);
        }
        return slug;
    }

    private static RosterException slugTaken(String slug) {
        return ErrorCode.SLUG_TAKEN.problem(
                "A role '" + slug + "' already exists here (global roles' slugs are reserved in every tenant).");
    }

    static RosterException notFound(UUID roleId) {
        return ErrorCode.ROLE_NOT_FOUND.problem("There is no role " + roleId + " in this tenant.");
    }
}
