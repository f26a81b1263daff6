package dev.roster.platform;

import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends to {@code audit_log}, in the caller's transaction: the row exists exactly when the change does. Each row
 * names the request that made it (its request id) and, when the change concerns one tenant, that tenant, whose
 * admins may read it.
 */
@Component
public class AuditLog {

    private static final String INSERT = """
            INSERT INTO audit_log (actor, action, target, tenant_id, before, after, request_id)
            VALUES (:actor, :action, :target, :tenantId, CAST(:before AS jsonb), CAST(:after AS jsonb), :requestId)
            """;

    private final JdbcClient jdbc;
    private final JsonMapper json;

    AuditLog(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** {@code before} and {@code after} are serialised to JSON; null means "did not exist". */
    public void record(String actor, String action, String target, @Nullable Object before, @Nullable Object after) {
        record(actor, action, target, null, before, after);
    }

    /** As {@link #record(String, String, String, Object, Object)}, for a change that concerns {@code tenantId}. */
    public void record(
            String actor,
            String action,
            String target,
            @Nullable UUID tenantId,
            @Nullable Object before,
            @Nullable Object after) {
        jdbc.sql(INSERT)
                .param("actor", actor)
                .param("action", action)
                .param("target", target)
                .param("tenantId", tenantId)
                .param("before", before == null ? null : json.writeValueAsString(before))
                .param("after", after == null ? null : json.writeValueAsString(after))
                .param("requestId", RequestIds.current())
                .update();
    }
}
