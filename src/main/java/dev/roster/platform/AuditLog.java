package dev.roster.platform;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Appends to {@code audit_log}, in the caller's transaction: the row exists exactly when the change does. */
@Component
public class AuditLog {

    private static final String INSERT = """
            INSERT INTO audit_log (actor, action, target, before, after)
            VALUES (:actor, :action, :target, CAST(:before AS jsonb), CAST(:after AS jsonb))
            """;

    private final JdbcClient jdbc;
    private final JsonMapper json;

    AuditLog(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** {@code before} and {@code after} are serialised to JSON; null means "did not exist". */
    public void record(String actor, String action, String target, @Nullable Object before, @Nullable Object after) {
        jdbc.sql(INSERT)
                .param("actor", actor)
                .param("action", action)
                .param("target", target)
                .param("before", before == null ? null : json.writeValueAsString(before))
                .param("after", after == null ? null : json.writeValueAsString(after))
                .update();
    }
}
