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
import org.springframework.transaction.annotation.Transactional;

/** A tenant's own roles. The five built-ins are read-only; a role still held by someone cannot be deleted. */
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
        String slug = requireSlug(request.slug());
        Role inserted = roles.insert(tenantId, slug, request.name(), request.priority(), 0)
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
        return ErrorCode.SLUG_TAKEN.problem("A role '" + slug + "' already exists here (built-in slugs are reserved).");
    }

    static RosterException notFound(UUID roleId) {
        return ErrorCode.ROLE_NOT_FOUND.problem("There is no role " + roleId + " in this tenant.");
    }
}
