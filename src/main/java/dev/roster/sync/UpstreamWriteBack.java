package dev.roster.sync;

import dev.roster.authz.BuiltInRoles;
import dev.roster.connectors.UpstreamCallFailed;
import dev.roster.connectors.UpstreamConnector;
import dev.roster.connectors.UpstreamDirectory;
import dev.roster.connectors.UpstreamRoleWriter;
import dev.roster.outbox.Origin;
import dev.roster.outbox.OutboxEvent;
import dev.roster.outbox.OutboxTarget;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outbox's {@code upstream} target: Roster's own membership changes (origin {@code local}: the admin API, the
 * CLI) written back to the directory, when it takes them ({@code ROSTER_DIRECTORY_WRITE_BACK}; the demo directory
 * does). A change that came from the upstream is never written back to it. Only the directory's own users in the
 * tenants it knows (those with an external id) are written; anything else is delivered as "nothing to do".
 *
 * <p>Precedence: while a write-back about a user's membership in a tenant is undelivered (pending, or dead until an
 * operator replays it), pulls leave that membership alone — Roster's newer word stands over the directory's older one
 * ({@link #awaiting}). docs/sync.md.
 */
@Component
public class UpstreamWriteBack implements OutboxTarget {

    static final String TARGET = "upstream";

    private static final String KEYS = """
            SELECT u.provider, u.external_id, t.external_id AS tenant_key
            FROM users u, tenants t
            WHERE u.id = :user AND t.id = :tenant
            """;

    // Pending (outbox_pending_order_idx) and dead (outbox_dead_idx) write-backs about the user.
    private static final String AWAITING = """
            SELECT CAST(payload ->> 'tenant_id' AS uuid) AS tenant_id FROM outbox
            WHERE target = 'upstream' AND aggregate_type = 'user' AND aggregate_id = :user
              AND delivered_at IS NULL AND dead_at IS NULL
            UNION
            SELECT CAST(payload ->> 'tenant_id' AS uuid) FROM outbox
            WHERE dead_at IS NOT NULL AND target = 'upstream' AND aggregate_type = 'user' AND aggregate_id = :user
            """;

    private record Keys(
            String provider, String externalId, @Nullable String tenantKey) {}

    private final ObjectProvider<UpstreamDirectory> directory;
    private final UpstreamConnector upstream;
    private final JdbcClient jdbc;
    private final JsonMapper json;

    UpstreamWriteBack(
            ObjectProvider<UpstreamDirectory> directory, UpstreamConnector upstream, JdbcClient jdbc, JsonMapper json) {
        this.directory = directory;
        this.upstream = upstream;
        this.jdbc = jdbc;
        this.json = json;
    }

    private @Nullable UpstreamRoleWriter writer() {
        return directory.getIfAvailable() instanceof UpstreamRoleWriter writer && writer.writesBack() ? writer : null;
    }

    @Override
    public String kind() {
        return TARGET;
    }

    @Override
    public List<String> targetsFor(String eventType, Origin origin) {
        return origin == Origin.LOCAL && eventType.startsWith("membership.") && writer() != null
                ? List.of(TARGET)
                : List.of();
    }

    @Override
    public Delivery deliver(OutboxEvent event) {
        UpstreamRoleWriter writer = writer();
        if (writer == null) {
            return new Delivery.Gone("write-back is off (ROSTER_DIRECTORY_WRITE_BACK)");
        }
        JsonNode payload = json.readTree(event.payload());
        UUID user = UUID.fromString(payload.path("user_id").asString());
        UUID tenant = UUID.fromString(payload.path("tenant_id").asString());
        Optional<Keys> keys = jdbc.sql(KEYS)
                .param("user", user)
                .param("tenant", tenant)
                .query((rs, i) ->
                        new Keys(rs.getString("provider"), rs.getString("external_id"), rs.getString("tenant_key")))
                .optional();
        if (keys.isEmpty()
                || !keys.get().provider().equals(upstream.provider())
                || keys.get().tenantKey() == null
                || tenant.equals(BuiltInRoles.ROOT_TENANT)) {
            // Not a user of the upstream (a service account, say), or a tenant it does not know: nothing to write.
            return Delivery.delivered();
        }
        String idempotencyKey = event.eventId().toString();
        try {
            if (event.eventType().equals("membership.revoked")) {
                writer.revoke(keys.get().externalId(), keys.get().tenantKey(), idempotencyKey);
            } else {
                writer.assign(
                        keys.get().externalId(),
                        keys.get().tenantKey(),
                        payload.path("role").asString(),
                        idempotencyKey);
            }
            return Delivery.delivered();
        } catch (UpstreamCallFailed e) {
            return switch (e.kind()) {
                case REJECTED -> new Delivery.Gone(e.getMessage());
                default ->
                    new Delivery.Failed(
                            e.kind().name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage(), e.retryAfter());
            };
        }
    }

    /** The tenants in which a write-back about the user's membership has not been delivered. */
    Set<UUID> awaiting(UUID userId) {
        if (writer() == null) {
            return Set.of();
        }
        return new HashSet<>(jdbc.sql(AWAITING)
                .param("user", userId.toString())
                .query(UUID.class)
                .list());
    }
}
