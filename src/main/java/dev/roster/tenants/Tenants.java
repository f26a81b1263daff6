package dev.roster.tenants;

import dev.roster.outbox.Origin;
import dev.roster.outbox.Outbox;
import dev.roster.platform.AuditLog;
import java.text.Normalizer;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Tenants, live ones unless said otherwise: a soft-deleted tenant is gone from every read here. */
@Repository
public class Tenants {

    /**
     * Invalidation topic: a tenant's own fields, or anything shown of it in members' views (its roles' names),
     * changed; the key is the tenant id.
     */
    public static final String TOPIC = "tenant";

    private static final String COLUMNS =
            "id, slug, name, external_id, parent_id, rbac_enabled, version, created_at, updated_at";

    private static final String FIND_BY_EXTERNAL_ID =
            "SELECT " + COLUMNS + " FROM tenants WHERE external_id = :externalId";

    private static final String FIND_LIVE = "SELECT " + COLUMNS + " FROM tenants WHERE id = :id AND deleted_at IS NULL";

    private static final String LOCK_LIVE =
            "SELECT " + COLUMNS + " FROM tenants WHERE id = :id AND deleted_at IS NULL FOR UPDATE";

    // ON CONFLICT without a target: a clash on external_id (someone created it first) or on slug (name taken)
    // inserts nothing; the caller tells the two apart.
    private static final String INSERT_IF_ABSENT = """
            INSERT INTO tenants (id, slug, name, external_id, parent_id, version)
            VALUES (:id, :slug, :name, :externalId, :parentId, :version)
            ON CONFLICT DO NOTHING
            RETURNING %s
            """.formatted(COLUMNS);

    private static final String SLUG_TAKEN = "SELECT EXISTS (SELECT 1 FROM tenants WHERE slug = :slug)";

    private static final String EXTERNAL_ID_TAKEN =
            "SELECT EXISTS (SELECT 1 FROM tenants WHERE external_id = :externalId)";

    private static final String UPDATE = """
            UPDATE tenants SET slug = :slug, name = :name, external_id = :externalId, parent_id = :parentId,
                               updated_at = now()
            WHERE id = :id AND deleted_at IS NULL
            """;

    private static final String SOFT_DELETE = """
            UPDATE tenants SET deleted_at = now(), updated_at = now()
            WHERE id = :id AND deleted_at IS NULL
            """;

    private static final String LOCK_RBAC_ENABLED =
            "SELECT rbac_enabled FROM tenants WHERE id = :id AND deleted_at IS NULL FOR UPDATE";

    private static final String SET_RBAC_ENABLED = """
            UPDATE tenants SET rbac_enabled = :enabled, updated_at = now(), version = :version
            WHERE id = :id AND deleted_at IS NULL
            """;

    private static final String STAMP = "UPDATE tenants SET version = :version WHERE id = :id RETURNING " + COLUMNS;

    // Keyset pages in id order; the whole platform (platform admins) or the caller's own tenants (everyone else).
    private static final String PAGE_ALL = """
            SELECT %s FROM tenants
            WHERE deleted_at IS NULL AND (CAST(:after AS uuid) IS NULL OR id > CAST(:after AS uuid))
            ORDER BY id LIMIT :limit
            """.formatted(COLUMNS);

    private static final String COUNT_ALL = "SELECT count(*) FROM tenants WHERE deleted_at IS NULL";

    private static final String PAGE_OF_MEMBER = """
            SELECT t.id, t.slug, t.name, t.external_id, t.parent_id, t.rbac_enabled, t.version, t.created_at, t.updated_at
            FROM memberships m JOIN tenants t ON t.id = m.tenant_id AND t.deleted_at IS NULL
            WHERE m.user_id = :user AND (CAST(:after AS uuid) IS NULL OR m.tenant_id > CAST(:after AS uuid))
            ORDER BY m.tenant_id LIMIT :limit
            """;

    private static final String COUNT_OF_MEMBER = """
            SELECT count(*) FROM memberships m JOIN tenants t ON t.id = m.tenant_id AND t.deleted_at IS NULL
            WHERE m.user_id = :user
            """;

    static final RowMapper<Tenant> ROW = (rs, i) -> new Tenant(
            rs.getObject("id", UUID.class),
            rs.getString("slug"),
            rs.getString("name"),
            rs.getString("external_id"),
            rs.getObject("parent_id", UUID.class),
            rs.getBoolean("rbac_enabled"),
            rs.getLong("version"),
            rs.getObject("created_at", OffsetDateTime.class).toInstant(),
            rs.getObject("updated_at", OffsetDateTime.class).toInstant());

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Outbox outbox;

    Tenants(JdbcClient jdbc, AuditLog audit, Outbox outbox) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.outbox = outbox;
    }

    public Optional<Tenant> find(UUID id) {
        return jdbc.sql(FIND_LIVE).param("id", id).query(ROW).optional();
    }

    Optional<Tenant> lock(UUID id) {
        return jdbc.sql(LOCK_LIVE).param("id", id).query(ROW).optional();
    }

    Optional<Tenant> insert(
            String slug, String name, @Nullable String externalId, @Nullable UUID parentId, long version) {
        return jdbc.sql(INSERT_IF_ABSENT)
                .param("id", UUID.randomUUID())
                .param("slug", slug)
                .param("name", name)
                .param("externalId", externalId)
                .param("parentId", parentId)
                .param("version", version)
                .query(ROW)
                .optional();
    }

    boolean slugTaken(String slug) {
        return jdbc.sql(SLUG_TAKEN).param("slug", slug).query(Boolean.class).single();
    }

    boolean externalIdTaken(String externalId) {
        return jdbc.sql(EXTERNAL_ID_TAKEN)
                .param("externalId", externalId)
                .query(Boolean.class)
                .single();
    }

    /** Records the version of the tenant's last change, on a row this transaction already locked or wrote. */
    Tenant stamp(UUID id, long version) {
        return jdbc.sql(STAMP)
                .param("id", id)
                .param("version", version)
                .query(ROW)
                .single();
    }

    /**
     * Locks the live tenant (until commit) and reads whether RBAC is enabled there; empty when there is no such live
     * tenant. For {@code rbac:enable}/{@code :disable} (grants), which change the flag with
     * {@link #setRbacEnabled}.
     */
    public Optional<Boolean> lockRbacEnabled(UUID id) {
        return jdbc.sql(LOCK_RBAC_ENABLED).param("id", id).query(Boolean.class).optional();
    }

    /**
     * Sets the flag on a tenant this transaction locked with {@link #lockRbacEnabled}, stamping it with
     * {@code version} (the transaction's, drawn after its last row write).
     */
    public void setRbacEnabled(UUID id, boolean enabled, long version) {
        jdbc.sql(SET_RBAC_ENABLED)
                .param("id", id)
                .param("enabled", enabled)
                .param("version", version)
                .update();
    }

    void update(Tenant changed) {
        jdbc.sql(UPDATE)
                .param("id", changed.id())
                .param("slug", changed.slug())
                .param("name", changed.name())
                .param("externalId", changed.externalId())
                .param("parentId", changed.parentId())
                .update();
    }

    boolean softDelete(UUID id) {
        return jdbc.sql(SOFT_DELETE).param("id", id).update() > 0;
    }

    List<Tenant> pageAll(@Nullable UUID after, int limit) {
        return jdbc.sql(PAGE_ALL)
                .param("after", after)
                .param("limit", limit)
                .query(ROW)
                .list();
    }

    long countAll() {
        return jdbc.sql(COUNT_ALL).query(Long.class).single();
    }

    List<Tenant> pageOfMember(UUID userId, @Nullable UUID after, int limit) {
        return jdbc.sql(PAGE_OF_MEMBER)
                .param("user", userId)
                .param("after", after)
                .param("limit", limit)
                .query(ROW)
                .list();
    }

    long countOfMember(UUID userId) {
        return jdbc.sql(COUNT_OF_MEMBER).param("user", userId).query(Long.class).single();
    }

    /** The tenant (deleted or not) the upstream knows by {@code externalId}, if Roster has it. */
    public Optional<Tenant> findByExternalId(String externalId) {
        return jdbc.sql(FIND_BY_EXTERNAL_ID)
                .param("externalId", externalId)
                .query(ROW)
                .optional();
    }

    /**
     * The tenant the upstream calls {@code externalId}, created from the upstream's data if Roster does not know it
     * yet. Safe against concurrent sign-ins creating the same tenant.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Tenant findOrCreateFromUpstream(String externalId, String name, @Nullable String slugHint, String actor) {
        Optional<Tenant> existing = jdbc.sql(FIND_BY_EXTERNAL_ID)
                .param("externalId", externalId)
                .query(ROW)
                .optional();
        if (existing.isPresent()) {
            return existing.get();
        }
        String slug = slugify(slugHint != null ? slugHint : name);
        for (int attempt = 0; attempt < 5; attempt++) {
            String candidate = attempt == 0 ? slug : truncate(slug, 56) + "-" + randomSuffix();
            Optional<Tenant> created = insert(candidate, name, externalId, null, 0);
            if (created.isPresent()) {
                audit.record(
                        actor,
                        "tenant.created",
                        "tenant:" + created.get().id(),
                        created.get().id(),
                        null,
                        created.get());
                // Made from the upstream's data: the upstream knows it, subscribers may not.
                outbox.append(
                        Outbox.TENANT, created.get().id().toString(), "tenant.created", created.get(), Origin.UPSTREAM);
                return created.get();
            }
            existing = jdbc.sql(FIND_BY_EXTERNAL_ID)
                    .param("externalId", externalId)
                    .query(ROW)
                    .optional();
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        throw new IllegalStateException("no free slug for upstream tenant " + externalId);
    }

    static String slugify(String text) {
        String ascii = Normalizer.normalize(text, Normalizer.Form.NFKD)
                .replaceAll("\\p{M}", "")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        ascii = truncate(ascii, 63).replaceAll("-+$", "");
        return ascii.isEmpty() ? "tenant-" + randomSuffix() : ascii;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static String randomSuffix() {
        return Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }
}
