package dev.roster.tenants;

import dev.roster.authz.BuiltInRoles;
import dev.roster.authz.Caller;
import dev.roster.outbox.Origin;
import dev.roster.outbox.Outbox;
import dev.roster.platform.AuditLog;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.InvalidationBus;
import dev.roster.platform.Page;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creating, changing and (softly) deleting tenants. Every change writes the audit row, stamps the tenant with the
 * transaction's version after its last write (lock order: rows, then the version) and invalidates every member's
 * cached view, all in one transaction.
 */
@Service
public class TenantManagement {

    static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final int MAX_NAME = 200;
    static final int MAX_EXTERNAL_ID = 255;

    // Would making :parent the parent of :id close a loop? Walks up from :parent.
    private static final String IS_ANCESTOR_OR_SELF = """
            WITH RECURSIVE up(id, parent_id) AS (
                SELECT id, parent_id FROM tenants WHERE id = :parent
                UNION
                SELECT t.id, t.parent_id FROM tenants t JOIN up ON t.id = up.parent_id
            )
            SELECT EXISTS (SELECT 1 FROM up WHERE id = :id)
            """;

    private final Tenants tenants;
    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Outbox outbox;
    private final InvalidationBus bus;

    TenantManagement(Tenants tenants, JdbcClient jdbc, AuditLog audit, Outbox outbox, InvalidationBus bus) {
        this.tenants = tenants;
        this.jdbc = jdbc;
        this.audit = audit;
        this.outbox = outbox;
        this.bus = bus;
    }

    public record NewTenant(
            String slug,
            String name,
            @Nullable UUID parentId,
            @Nullable String externalId) {}

    /** The fields a patch changes; null fields stay as they are unless named in {@code cleared}. */
    public record TenantPatch(
            @Nullable String slug,
            @Nullable String name,
            @Nullable UUID parentId,
            boolean clearParent,
            @Nullable String externalId,
            boolean clearExternalId) {}

    @Transactional
    public Tenant create(Caller caller, NewTenant request) {
        requireSlug(request.slug());
        if (request.parentId() != null && tenants.find(request.parentId()).isEmpty()) {
            throw ErrorCode.INVALID_FIELD.problem("'parent_id' names no tenant.");
        }
        Tenant inserted = tenants.insert(request.slug(), request.name(), request.externalId(), request.parentId(), 0)
                .orElseThrow(() -> conflict(request.slug(), request.externalId()));
        Tenant created = tenants.stamp(inserted.id(), bus.version());
        audit.record(caller.actor(), "tenant.created", target(created.id()), created.id(), null, created);
        outbox.append(Outbox.TENANT, created.id().toString(), "tenant.created", created, Origin.LOCAL);
        bus.publish(Tenants.TOPIC, created.id().toString());
        return created;
    }

    @Transactional
    public Tenant patch(Caller caller, UUID id, TenantPatch patch, @Nullable Long ifMatch) {
        bus.join();
        Tenant before = tenants.lock(id).orElseThrow(() -> notFound(id));
        if (ifMatch != null && ifMatch != before.version()) {
            throw ErrorCode.VERSION_CONFLICT.problem("The tenant changed since version " + ifMatch + " (it is at "
                    + before.version() + "); read it again and retry.");
        }
        boolean structural = patch.slug() != null
                || patch.parentId() != null
                || patch.clearParent()
                || patch.externalId() != null
                || patch.clearExternalId();
        if (structural && !caller.platformAdmin()) {
            throw ErrorCode.ROLE_REQUIRED.problem(
                    "Only a platform admin may change a tenant's slug, parent or external id; tenant admins may"
                            + " change its name.");
        }
        if (id.equals(BuiltInRoles.ROOT_TENANT) && structural) {
            throw ErrorCode.ROOT_TENANT.problem("The root tenant's slug, parent and external id are fixed.");
        }
        String slug = patch.slug() == null ? before.slug() : requireSlug(patch.slug());
        UUID parentId = patch.clearParent() ? null : patch.parentId() == null ? before.parentId() : patch.parentId();
        if (patch.parentId() != null) {
            if (tenants.find(patch.parentId()).isEmpty()) {
                throw ErrorCode.INVALID_FIELD.problem("'parent_id' names no tenant.");
            }
            if (jdbc.sql(IS_ANCESTOR_OR_SELF)
                    .param("parent", patch.parentId())
                    .param("id", id)
                    .query(Boolean.class)
                    .single()) {
                throw ErrorCode.INVALID_FIELD.problem("'parent_id' would make the tenant its own ancestor.");
            }
        }
        String externalId =
                patch.clearExternalId() ? null : patch.externalId() == null ? before.externalId() : patch.externalId();
        if (!slug.equals(before.slug()) && tenants.slugTaken(slug)) {
            throw conflict(slug, null);
        }
        if (externalId != null && !externalId.equals(before.externalId()) && tenants.externalIdTaken(externalId)) {
            throw conflict(slug, externalId);
        }
        var changed = new Tenant(
                id,
                slug,
                patch.name() == null ? before.name() : patch.name(),
                externalId,
                parentId,
                before.rbacEnabled(),
                before.version(),
                before.createdAt(),
                before.updatedAt());
        if (sameFields(before, changed)) {
            return before;
        }
        tenants.update(changed);
        Tenant after = tenants.stamp(id, bus.version());
        audit.record(caller.actor(), "tenant.updated", target(id), id, before, after);
        outbox.append(Outbox.TENANT, id.toString(), "tenant.updated", after, Origin.LOCAL);
        bus.publish(Tenants.TOPIC, id.toString());
        return after;
    }

    /** Soft delete: the tenant leaves every listing and view, its memberships stop counting. */
    @Transactional
    public void delete(Caller caller, UUID id) {
        if (id.equals(BuiltInRoles.ROOT_TENANT)) {
            throw ErrorCode.ROOT_TENANT.problem(
                    "The root tenant cannot be deleted: platform administration lives there.");
        }
        Tenant before = tenants.lock(id).orElseThrow(() -> notFound(id));
        softDelete(caller.actor(), before, Origin.LOCAL);
    }

    private void softDelete(String actor, Tenant before, Origin origin) {
        audit.record(actor, "tenant.deleted", target(before.id()), before.id(), before, null);
        outbox.append(Outbox.TENANT, before.id().toString(), "tenant.deleted", before, origin);
        tenants.softDelete(before.id());
        tenants.stamp(before.id(), bus.version());
        bus.publish(Tenants.TOPIC, before.id().toString());
    }

    /**
     * The upstream renamed its tenant {@code id} (the upstream's own change: not written back). False when the name
     * is already {@code name}, or the tenant is deleted.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean renameFromUpstream(UUID id, String name, String actor) {
        Tenant before = tenants.lock(id).orElse(null);
        if (before == null || before.name().equals(name)) {
            return false; // deleted in Roster, or nothing to change
        }
        var changed = new Tenant(
                id,
                before.slug(),
                name,
                before.externalId(),
                before.parentId(),
                before.rbacEnabled(),
                before.version(),
                before.createdAt(),
                before.updatedAt());
        tenants.update(changed);
        Tenant after = tenants.stamp(id, bus.version());
        audit.record(actor, "tenant.updated", target(id), id, before, after);
        outbox.append(Outbox.TENANT, id.toString(), "tenant.updated", after, Origin.UPSTREAM);
        bus.publish(Tenants.TOPIC, id.toString());
        return true;
    }

    /** The upstream deleted its tenant {@code id}: soft-deleted as by an admin. False when it already is. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean deleteFromUpstream(UUID id, String actor) {
        if (id.equals(BuiltInRoles.ROOT_TENANT)) {
            return false;
        }
        Optional<Tenant> before = tenants.lock(id);
        if (before.isEmpty()) {
            return false;
        }
        softDelete(actor, before.get(), Origin.UPSTREAM);
        return true;
    }

    public Tenant get(UUID id) {
        return tenants.find(id).orElseThrow(() -> notFound(id));
    }

    /** Platform admins page through every tenant; everyone else through the tenants they belong to. */
    public Page<Tenant> list(Caller caller, @Nullable String cursor, int limit) {
        UUID after = Page.uuidKey(cursor);
        if (caller.platformAdmin()) {
            return Page.of(tenants.pageAll(after, limit + 1), limit, tenants.countAll(), t -> t.id().toString());
        }
        return Page.of(
                tenants.pageOfMember(caller.userId(), after, limit + 1),
                limit,
                tenants.countOfMember(caller.userId()),
                t -> t.id().toString());
    }

    private static boolean sameFields(Tenant a, Tenant b) {
        return a.slug().equals(b.slug())
                && a.name().equals(b.name())
                && Objects.equals(a.externalId(), b.externalId())
                && Objects.equals(a.parentId(), b.parentId());
    }

    private static String requireSlug(String slug) {
        if (!SLUG.matcher(slug).matches()) {
            throw ErrorCode.INVALID_FIELD.problem(
                    "'slug' must be 1 to 63 characters of a-z, 0-9 and '-', starting with a letter or digit.");
        }
        return slug;
    }

    private dev.roster.platform.RosterException conflict(String slug, @Nullable String externalId) {
        if (externalId != null && tenants.externalIdTaken(externalId)) {
            return ErrorCode.EXTERNAL_ID_TAKEN.problem("Another tenant has the external id '" + externalId + "'.");
        }
        return ErrorCode.SLUG_TAKEN.problem("The slug '" + slug + "' is taken (deleted tenants keep theirs).");
    }

    static dev.roster.platform.RosterException notFound(UUID id) {
        return ErrorCode.TENANT_NOT_FOUND.problem("There is no tenant " + id + ".");
    }

    private static String target(UUID id) {
        return "tenant:" + id;
    }
}
