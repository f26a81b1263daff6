package dev.roster.grants;

import dev.roster.authz.AuthorizationCheck;
import dev.roster.authz.GrantSyntax;
import dev.roster.outbox.Origin;
import dev.roster.outbox.Outbox;
import dev.roster.platform.AuditLog;
import dev.roster.platform.InvalidationBus;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Rewrites legacy {@code role:<slug>} grants to the canonical URN of the role they stand for
 * ({@link GrantSyntax#resolveLegacyRole}, the very resolution checks use, so a grant allows exactly the same before
 * and after). One short transaction per batch, in id order: online (checks on every node keep answering, and see
 * each batch once it commits), idempotent, and resumable (a batch that did not commit left nothing; the next run
 * starts over from the legacy grants still there). A legacy grant whose canonical twin already exists is deleted
 * (merged); one whose slug names no role is left alone and reported.
 */
@Service
public class RoleUrnBackfill {

    // A batch of legacy grants after a cursor, with the role each stands for and whether its canonical twin exists.
    private static final String BATCH = """
            SELECT g.id, g.tenant_id, g.principal_urn, g.permission, g.selector, legacy.urn AS role_urn,
                   EXISTS (SELECT 1 FROM grants c
                           WHERE c.tenant_id = g.tenant_id AND c.principal_urn = legacy.urn
                             AND c.permission = g.permission AND c.selector = g.selector) AS has_twin
            FROM grants g
            LEFT JOIN LATERAL (%s) legacy ON true
            WHERE %s AND g.id > :after
            ORDER BY g.id
            LIMIT :limit
            """.formatted(
            GrantSyntax.resolveLegacyRole("substr(g.principal_urn, 6)", "g.tenant_id"), GrantSyntax.IS_LEGACY_ROLE);

    private static final String LOCKED_BATCH = BATCH + " FOR UPDATE OF g";

    private static final String REWRITE = "UPDATE grants SET principal_urn = :urn WHERE id = :id";
    private static final String STAMP = "UPDATE grants SET version = :version WHERE id IN (:ids)";
    private static final String DELETE = "DELETE FROM grants WHERE id IN (:ids)";
    private static final String LOCK_TWIN = """
            SELECT 1 FROM grants
            WHERE tenant_id = :tenant AND principal_urn = :urn AND permission = :permission AND selector = :selector
            FOR SHARE
            """;

    /** One legacy grant, and what the backfill does (or would do) with it. */
    public record Legacy(
            UUID id,
            UUID tenantId,
            String principal,
            String permission,
            String selector,
            @Nullable String roleUrn,
            boolean hasTwin) {

        public Action action() {
            return roleUrn == null ? Action.UNRESOLVED : hasTwin ? Action.MERGE : Action.REWRITE;
        }
    }

    public enum Action {
        /** Rewritten to the role's canonical URN. */
        REWRITE,
        /** Deleted: the same grant to the canonical URN exists. */
        MERGE,
        /** Left alone: the slug names no role of the tenant and no global role. */
        UNRESOLVED
    }

    /** One batch: what it held, in id order, and the cursor to go on from (null when there was nothing). */
    public record Batch(List<Legacy> grants, @Nullable UUID last) {

        public long count(Action action) {
            return grants.stream().filter(g -> g.action() == action).count();
        }
    }

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Outbox outbox;
    private final InvalidationBus bus;

    RoleUrnBackfill(JdbcClient jdbc, AuditLog audit, Outbox outbox, InvalidationBus bus) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.outbox = outbox;
        this.bus = bus;
    }

    /** The next {@code limit} legacy grants after {@code after}, as they are: what a dry run reports. */
    @Transactional(readOnly = true)
    public Batch peek(UUID after, int limit) {
        return read(BATCH, after, limit);
    }

    /**
     * Rewrites (or merges) the next {@code limit} legacy grants after {@code after}, in one transaction (the caller's,
     * if any): each audited as done by {@code actor}, the tenants' grant indexes dropped on every node at commit.
     */
    @Transactional
    public Batch apply(String actor, UUID after, int limit) {
        Batch batch = read(LOCKED_BATCH, after, limit);
        var rewritten = new ArrayList<UUID>();
        var merged = new ArrayList<UUID>();
        var tenants = new LinkedHashSet<UUID>();
        for (Legacy grant : batch.grants()) {
            switch (grant.action()) {
                case REWRITE -> {
                    jdbc.sql(REWRITE)
                            .param("urn", grant.roleUrn())
                            .param("id", grant.id())
                            .update();
                    rewritten.add(grant.id());
                }
                case MERGE -> {
                    if (twinHeld(grant)) {
                        merged.add(grant.id());
                    } else {
                        // The twin was deleted since the batch was read: this grant now carries the permission.
                        jdbc.sql(REWRITE)
                                .param("urn", grant.roleUrn())
                                .param("id", grant.id())
                                .update();
                        rewritten.add(grant.id());
                    }
                }
                case UNRESOLVED -> {
                    continue;
                }
            }
            tenants.add(grant.tenantId());
        }
        if (!merged.isEmpty()) {
            jdbc.sql(DELETE).param("ids", merged).update();
        }
        if (tenants.isEmpty()) {
            return batch;
        }
        // Rows first, then the version (the bus's lock order): only rows this transaction already holds are stamped.
        if (!rewritten.isEmpty()) {
            jdbc.sql(STAMP)
                    .param("version", bus.version())
                    .param("ids", rewritten)
                    .update();
        }
        for (Legacy grant : batch.grants()) {
            if (grant.action() == Action.UNRESOLVED) {
                continue;
            }
            boolean rewrote = rewritten.contains(grant.id());
            audit.record(
                    actor,
                    rewrote ? "grant.principal_rewritten" : "grant.merged",
                    "grant:" + grant.id(),
                    grant.tenantId(),
                    Map.of("principal", grant.principal()),
                    Map.of("principal", grant.roleUrn()));
            // Subscribers saw the legacy grant (a grant.created of an import): tell them what became of it.
            var payload = new java.util.LinkedHashMap<String, Object>();
            payload.put("id", grant.id());
            payload.put("tenant_id", grant.tenantId());
            payload.put("principal", rewrote ? grant.roleUrn() : grant.principal());
            payload.put("permission", grant.permission());
            payload.put("selector", grant.selector());
            if (rewrote) {
                payload.put("previous_principal", grant.principal());
            }
            outbox.append(
                    Outbox.TENANT,
                    grant.tenantId().toString(),
                    "grant:" + grant.id(),
                    rewrote ? "grant.updated" : "grant.deleted",
                    payload,
                    Origin.LOCAL);
        }
        tenants.forEach(t -> bus.publish(AuthorizationCheck.GRANTS_TOPIC, t.toString()));
        return batch;
    }

    /** Whether the grant's canonical twin still exists, kept until commit (a concurrent delete of it waits). */
    private boolean twinHeld(Legacy grant) {
        return jdbc.sql(LOCK_TWIN)
                .param("tenant", grant.tenantId())
                .param("urn", grant.roleUrn())
                .param("permission", grant.permission())
                .param("selector", grant.selector())
                .query(Integer.class)
                .optional()
                .isPresent();
    }

    private Batch read(String sql, UUID after, int limit) {
        List<Legacy> grants = jdbc.sql(sql)
                .param("after", after)
                .param("limit", limit)
                .query((rs, i) -> new Legacy(
                        rs.getObject("id", UUID.class),
                        rs.getObject("tenant_id", UUID.class),
                        rs.getString("principal_urn"),
                        rs.getString("permission"),
                        rs.getString("selector"),
                        rs.getString("role_urn"),
                        rs.getBoolean("has_twin")))
                .list();
        return new Batch(grants, grants.isEmpty() ? null : grants.getLast().id());
    }
}
