package dev.roster.roles;

import dev.roster.authz.AuthorizationCheck;
import dev.roster.platform.InvalidationBus;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class Roles {

    private static final String COLUMNS = "id, tenant_id, slug, name, priority, external_id, version";

    private static final String GLOBAL =
            "SELECT " + COLUMNS + " FROM roles WHERE tenant_id IS NULL ORDER BY priority DESC, slug";

    private static final String FIND = "SELECT " + COLUMNS + " FROM roles WHERE id = :id";

    private static final String FIND_GLOBAL_BY_SLUG =
            "SELECT " + COLUMNS + " FROM roles WHERE tenant_id IS NULL AND slug = :slug";

    // A role about to be held: a concurrent deletion waits for the holder's commit, or the role is gone already.
    private static final String HOLD_GLOBAL_BY_SLUG =
            "SELECT " + COLUMNS + " FROM roles WHERE tenant_id IS NULL AND slug = :slug FOR KEY SHARE";

    private static final String HOLD = "SELECT " + COLUMNS + " FROM roles WHERE id = :id FOR KEY SHARE";

    // FOR UPDATE: a deletion follows, and so must wait for memberships being given the role (FOR KEY SHARE).
    private static final String LOCK_GLOBAL_BY_EXTERNAL_ID =
            "SELECT " + COLUMNS + " FROM roles WHERE external_id = :externalId FOR UPDATE";

    private static final String FIND_OF_SOME_TENANT_BY_SLUG = """
            SELECT %s FROM roles WHERE slug = :slug AND tenant_id IS NOT NULL ORDER BY tenant_id LIMIT 1
            """.formatted(COLUMNS);

    // Slugs are unique across the global roles and each tenant's: one lock orders every writer that checks that.
    // Shared: a writer about to refuse for want of a global role waits for a role being created to commit.
    private static final String LOCK_SLUGS = "SELECT pg_advisory_xact_lock(hashtext('roster.roles.slugs'))";
    private static final String LOCK_SLUGS_SHARED =
            "SELECT pg_advisory_xact_lock_shared(hashtext('roster.roles.slugs'))";

    private static final String FIND_OF_TENANT_BY_SLUG =
            "SELECT " + COLUMNS + " FROM roles WHERE tenant_id = :tenantId AND slug = :slug";

    private static final String PAGE_OF_TENANT = """
            SELECT %s FROM roles
            WHERE tenant_id = :tenantId AND (CAST(:after AS uuid) IS NULL OR id > CAST(:after AS uuid))
            ORDER BY id LIMIT :limit
            """.formatted(COLUMNS);

    private static final String COUNT_OF_TENANT = "SELECT count(*) FROM roles WHERE tenant_id = :tenantId";

    private static final String INSERT = """
            INSERT INTO roles (id, tenant_id, slug, name, priority, external_id, version)
            VALUES (:id, :tenantId, :slug, :name, :priority, :externalId, :version)
            ON CONFLICT DO NOTHING
            RETURNING %s
            """.formatted(COLUMNS);

    private static final String LOCK_OF_TENANT =
            "SELECT " + COLUMNS + " FROM roles WHERE id = :id AND tenant_id = :tenantId FOR UPDATE";

    private static final String UPDATE = """
            UPDATE roles SET slug = :slug, name = :name, priority = :priority, updated_at = now()
            WHERE id = :id
            """;

    private static final String STAMP = "UPDATE roles SET version = :version WHERE id = :id RETURNING " + COLUMNS;

    private static final String DELETE = "DELETE FROM roles WHERE id = :id";

    private static final String IN_USE = "SELECT EXISTS (SELECT 1 FROM memberships WHERE role_id = :id)";

    // Those who hold the role and count: active users in live tenants.
    private static final String HOLDERS = """
            SELECT count(*) FROM memberships m
            JOIN users u ON u.id = m.user_id JOIN tenants t ON t.id = m.tenant_id
            WHERE m.role_id = :id AND u.is_active AND t.deleted_at IS NULL
            """;

    // The rest: memberships kept for a deactivated user's return or a deleted tenant's audit, which end with the role.
    private static final String DELETE_DORMANT_HOLDERS = """
            DELETE FROM memberships m USING users u, tenants t
            WHERE m.role_id = :id AND u.id = m.user_id AND t.id = m.tenant_id
              AND (NOT u.is_active OR t.deleted_at IS NOT NULL)
            RETURNING m.user_id, m.tenant_id
            """;

    private static final RowMapper<Role> ROW = (rs, i) -> new Role(
            rs.getObject("id", UUID.class),
            rs.getObject("tenant_id", UUID.class),
            rs.getString("slug"),
            rs.getString("name"),
            rs.getInt("priority"),
            rs.getString("external_id"),
            rs.getLong("version"));

    private final JdbcClient jdbc;
    private final InvalidationBus bus;
    private volatile @Nullable List<Role> global;
    private long generation; // guarded by this: a list read before a change is not kept after it

    Roles(JdbcClient jdbc, InvalidationBus bus) {
        this.jdbc = jdbc;
        this.bus = bus;
        bus.subscribe(AuthorizationCheck.GLOBAL_ROLES_TOPIC, key -> forgetGlobal(), this::forgetGlobal);
    }

    private synchronized void forgetGlobal() {
        generation++;
        global = null;
    }

    private synchronized void keepGlobal(List<Role> roles, long readAt) {
        // Not listening, this node would not hear of a change: read again next time, as every cache does.
        if (generation == readAt && bus.isConnected()) {
            global = roles;
        }
    }

    /**
     * The global role of this slug. From the node's list; one this node has not heard of yet (the upstream created it
     * a moment ago, on another node) is looked for in the database, so a miss is never stale.
     */
    public Optional<Role> findGlobalBySlug(String slug) {
        Optional<Role> cached = cachedGlobalBySlug(slug);
        if (cached.isPresent()) {
            return cached;
        }
        Optional<Role> stored = findStoredGlobalBySlug(slug);
        if (stored.isPresent()) {
            forgetGlobal();
        }
        return stored;
    }

    /**
     * The global role of this slug for a write about to hold it (a membership): the directory's roles can be deleted,
     * so one is read again and kept from deletion until commit; and a slug this node does not know is looked up only
     * after any role being created or renamed right now has committed — so the write refuses only what is really not
     * there, and a role's arrival, which queues its refused memberships again, cannot miss this one.
     */
    public Optional<Role> globalToHold(String slug) {
        Optional<Role> cached = cachedGlobalBySlug(slug);
        if (cached.isPresent() && cached.get().builtIn()) {
            return cached; // the built-ins are never deleted
        }
        // Always before the row (as role writers: the slug lock, then the row), so that the two never wait in a cycle.
        lockSlugsShared();
        Optional<Role> held =
                jdbc.sql(HOLD_GLOBAL_BY_SLUG).param("slug", slug).query(ROW).optional();
        if (held.isPresent() != cached.isPresent()) {
            forgetGlobal();
        }
        return held;
    }

    /** The global role of this slug as committed, whatever this node has heard. */
    Optional<Role> findStoredGlobalBySlug(String slug) {
        return jdbc.sql(FIND_GLOBAL_BY_SLUG).param("slug", slug).query(ROW).optional();
    }

    private Optional<Role> cachedGlobalBySlug(String slug) {
        return global().stream().filter(r -> r.slug().equals(slug)).findFirst();
    }

    /**
     * The global roles, strongest first: the five built-ins and those the upstream defines. Read once per node and
     * again after a change to one of them ({@link AuthorizationCheck#GLOBAL_ROLES_TOPIC}).
     */
    public List<Role> global() {
        List<Role> roles = global;
        if (roles == null) {
            long readAt;
            synchronized (this) {
                readAt = generation;
            }
            roles = List.copyOf(jdbc.sql(GLOBAL).query(ROW).list());
            keepGlobal(roles, readAt);
        }
        return roles;
    }

    public Optional<Role> find(UUID id) {
        return jdbc.sql(FIND).param("id", id).query(ROW).optional();
    }

    /**
     * The role {@code name} means in {@code tenantId}: a built-in's slug, the tenant's own role's slug, or a role URN
     * (a tenant role only of this tenant).
     */
    public Optional<Role> resolve(UUID tenantId, String name) {
        if (name.startsWith("role:global:") || name.startsWith("role:tenant:")) {
            UUID id;
            try {
                id = UUID.fromString(name.substring(name.lastIndexOf(':') + 1));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            Optional<Role> builtIn =
                    global().stream().filter(r -> r.urn().equals(name)).findFirst();
            if (builtIn.isPresent()) {
                return builtIn;
            }
            return find(id).filter(r -> r.urn().equals(name))
                    .filter(r -> r.tenantId() == null || r.tenantId().equals(tenantId));
        }
        Optional<Role> global = cachedGlobalBySlug(name);
        if (global.isPresent()) {
            return global;
        }
        Optional<Role> own = jdbc.sql(FIND_OF_TENANT_BY_SLUG)
                .param("tenantId", tenantId)
                .param("slug", name)
                .query(ROW)
                .optional();
        return own.isPresent() ? own : findGlobalBySlug(name);
    }

    /**
     * As {@link #resolve}, for a write about to hold the role (an assignment): one of the directory's, which may have
     * been deleted a moment ago on another node, is read again and kept from deletion until commit.
     */
    public Optional<Role> resolveToHold(UUID tenantId, String name) {
        Optional<Role> role = resolve(tenantId, name);
        return role.isPresent() && role.get().externalId() != null
                ? hold(role.get().id())
                : role;
    }

    /**
     * The role of this id for a write about to hold it (a SCIM group's new member): a built-in as it is; any other read
     * again and kept from deletion until commit, empty if it is gone.
     */
    public Optional<Role> toHold(UUID id) {
        Optional<Role> builtIn =
                global().stream().filter(r -> r.id().equals(id) && r.builtIn()).findFirst();
        return builtIn.isPresent() ? builtIn : hold(id);
    }

    private void lockSlugsShared() {
        jdbc.sql(LOCK_SLUGS_SHARED).query((rs, i) -> 1).list();
    }

    /** The role, read again and kept from deletion until the transaction ends; empty if it is gone. */
    private Optional<Role> hold(UUID id) {
        lockSlugsShared();
        Optional<Role> held = jdbc.sql(HOLD).param("id", id).query(ROW).optional();
        if (held.isEmpty()) {
            forgetGlobal();
        }
        return held;
    }

    /** Some tenant's own role of this slug (the first by tenant), if any: a global role of that slug would hide it. */
    Optional<Role> findOfSomeTenantBySlug(String slug) {
        return jdbc.sql(FIND_OF_SOME_TENANT_BY_SLUG)
                .param("slug", slug)
                .query(ROW)
                .optional();
    }

    Optional<Role> lockGlobalByExternalId(String externalId) {
        return jdbc.sql(LOCK_GLOBAL_BY_EXTERNAL_ID)
                .param("externalId", externalId)
                .query(ROW)
                .optional();
    }

    /** Until commit, no one else checks or takes a role slug. */
    void lockSlugs() {
        jdbc.sql(LOCK_SLUGS).query((rs, i) -> 1).list();
    }

    List<Role> pageOfTenant(UUID tenantId, @Nullable UUID after, int limit) {
        return jdbc.sql(PAGE_OF_TENANT)
                .param("tenantId", tenantId)
                .param("after", after)
                .param("limit", limit)
                .query(ROW)
                .list();
    }

    long countOfTenant(UUID tenantId) {
        return jdbc.sql(COUNT_OF_TENANT)
                .param("tenantId", tenantId)
                .query(Long.class)
                .single();
    }

    /** A tenant's own role ({@code tenantId}), or a global one the upstream defines ({@code externalId}). */
    Optional<Role> insert(
            @Nullable UUID tenantId,
            String slug,
            String name,
            int priority,
            @Nullable String externalId,
            long version) {
        return jdbc.sql(INSERT)
                .param("id", UUID.randomUUID())
                .param("tenantId", tenantId)
                .param("slug", slug)
                .param("name", name)
                .param("priority", priority)
                .param("externalId", externalId)
                .param("version", version)
                .query(ROW)
                .optional();
    }

    Optional<Role> lockOfTenant(UUID tenantId, UUID id) {
        return jdbc.sql(LOCK_OF_TENANT)
                .param("tenantId", tenantId)
                .param("id", id)
                .query(ROW)
                .optional();
    }

    void update(Role changed) {
        jdbc.sql(UPDATE)
                .param("id", changed.id())
                .param("slug", changed.slug())
                .param("name", changed.name())
                .param("priority", changed.priority())
                .update();
    }

    /** Records the version of the role's last change, on a row this transaction already locked or wrote. */
    Role stamp(UUID id, long version) {
        return jdbc.sql(STAMP)
                .param("id", id)
                .param("version", version)
                .query(ROW)
                .single();
    }

    void delete(UUID id) {
        jdbc.sql(DELETE).param("id", id).update();
    }

    record Holder(UUID userId, UUID tenantId) {}

    List<Holder> deleteDormantHolders(UUID id) {
        return jdbc.sql(DELETE_DORMANT_HOLDERS)
                .param("id", id)
                .query((rs, i) ->
                        new Holder(rs.getObject("user_id", UUID.class), rs.getObject("tenant_id", UUID.class)))
                .list();
    }

    long holders(UUID id) {
        return jdbc.sql(HOLDERS).param("id", id).query(Long.class).single();
    }

    boolean inUse(UUID id) {
        return jdbc.sql(IN_USE).param("id", id).query(Boolean.class).single();
    }
}
