package dev.roster.audit;

import dev.roster.platform.Page;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log, newest first, in keyset pages over its id. Each filter (target, actor, action, tenant) has an index
 * that serves that order (migration V012).
 */
@Repository
public class AuditEntries {

    private static final String COLUMNS =
            "id, at, actor, action, target, tenant_id, request_id, before::text AS before, after::text AS after";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    AuditEntries(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Filters, all optional; {@code tenants} null means every entry (platform admins), else only those tenants'. */
    public record Filter(
            @Nullable String target,
            @Nullable String actor,
            @Nullable String action,
            @Nullable UUID tenantId,
            @Nullable List<UUID> tenants) {}

    public Page<AuditEntry> page(Filter filter, @Nullable String cursor, int limit) {
        var conditions = new ArrayList<String>();
        Map<String, Object> params = new HashMap<>();
        add(conditions, params, "target = :target", "target", filter.target());
        add(conditions, params, "actor = :actor", "actor", filter.actor());
        add(conditions, params, "action = :action", "action", filter.action());
        add(conditions, params, "tenant_id = :tenantId", "tenantId", filter.tenantId());
        if (filter.tenants() != null) {
            if (filter.tenants().isEmpty()) {
                conditions.add("false");
            } else {
                add(conditions, params, "tenant_id IN (:tenants)", "tenants", filter.tenants());
            }
        }
        String where = conditions.isEmpty() ? "true" : String.join(" AND ", conditions);
        long total = jdbc.sql("SELECT count(*) FROM audit_log WHERE " + where)
                .params(params)
                .query(Long.class)
                .single();
        Long before = Page.longKey(cursor);
        if (before != null) {
            params.put("before", before);
            where += " AND id < :before";
        }
        List<AuditEntry> rows = jdbc.sql(
                        "SELECT " + COLUMNS + " FROM audit_log WHERE " + where + " ORDER BY id DESC LIMIT :limit")
                .params(params)
                .param("limit", limit + 1)
                .query((rs, i) -> new AuditEntry(
                        rs.getLong("id"),
                        rs.getObject("at", OffsetDateTime.class).toInstant(),
                        rs.getString("actor"),
                        rs.getString("action"),
                        rs.getString("target"),
                        rs.getObject("tenant_id", UUID.class),
                        rs.getString("request_id"),
                        node(rs.getString("before")),
                        node(rs.getString("after"))))
                .list();
        return Page.of(rows, limit, total, e -> Long.toString(e.id()));
    }

    private static void add(
            List<String> conditions,
            Map<String, Object> params,
            String condition,
            String name,
            @Nullable Object value) {
        if (value != null) {
            conditions.add(condition);
            params.put(name, value);
        }
    }

    private @Nullable JsonNode node(@Nullable String text) {
        return text == null ? null : json.readTree(text);
    }
}
