package dev.roster.outbox;

import dev.roster.platform.AuditLog;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.InvalidationBus;
import dev.roster.platform.Page;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What operators see of the outbox and do with it: list events by state and target, and put dead (or delivered)
 * events back in line. Replays are audited and wake every relay.
 */
@Service
public class OutboxOperations {

    /** Where an event stands. */
    public enum State {
        PENDING,
        DEAD,
        DELIVERED;

        String condition() {
            return switch (this) {
                case PENDING -> "delivered_at IS NULL AND dead_at IS NULL";
                case DEAD -> "dead_at IS NOT NULL";
                case DELIVERED -> "delivered_at IS NOT NULL";
            };
        }
    }

    /** An event as operators see it. */
    public record Event(
            long id,
            UUID eventId,
            String target,
            String aggregateType,
            String aggregateId,
            long sequence,
            String eventType,
            JsonNode payload,
            String origin,
            String state,
            int attempts,
            Instant createdAt,
            @Nullable Instant nextAttemptAt,
            @Nullable String lastError,
            @Nullable Instant deliveredAt,
            @Nullable Instant deadAt) {}

    private static final String COLUMNS = """
            id, event_id, target, aggregate_type, aggregate_id, sequence, event_type, payload::text AS payload, origin,
            attempts, created_at, next_attempt_at, last_error, delivered_at, dead_at""";

    // A target filter matches a target exactly or a kind (webhook matches webhook:<id>).
    private static final String TARGET = "(CAST(:target AS text) IS NULL OR target = :target OR target LIKE :kind)";

    private static final int REPLAY_BATCH = 5_000;

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final AuditLog audit;
    private final InvalidationBus bus;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final RowMapper<Event> row;

    OutboxOperations(
            JdbcClient jdbc,
            JsonMapper json,
            AuditLog audit,
            InvalidationBus bus,
            Clock clock,
            TransactionTemplate tx) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.json = json;
        this.audit = audit;
        this.bus = bus;
        this.clock = clock;
        this.row = (rs, i) -> {
            boolean delivered = rs.getObject("delivered_at") != null;
            boolean dead = rs.getObject("dead_at") != null;
            return new Event(
                    rs.getLong("id"),
                    rs.getObject("event_id", UUID.class),
                    rs.getString("target"),
                    rs.getString("aggregate_type"),
                    rs.getString("aggregate_id"),
                    rs.getLong("sequence"),
                    rs.getString("event_type"),
                    json.readTree(rs.getString("payload")),
                    rs.getString("origin"),
                    delivered ? "delivered" : dead ? "dead" : "pending",
                    rs.getInt("attempts"),
                    instant(rs.getObject("created_at", OffsetDateTime.class)),
                    delivered || dead ? null : instant(rs.getObject("next_attempt_at", OffsetDateTime.class)),
                    rs.getString("last_error"),
                    instant(rs.getObject("delivered_at", OffsetDateTime.class)),
                    instant(rs.getObject("dead_at", OffsetDateTime.class)));
        };
    }

    private static @Nullable Instant instant(@Nullable OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    /** A page of events in {@code state} (of one target, or kind of target), oldest first, with the total. */
    public Page<Event> list(State state, @Nullable String target, @Nullable String cursor, int limit) {
        Long after = Page.longKey(cursor);
        String where = state.condition() + " AND " + TARGET;
        List<Event> rows = jdbc.sql("SELECT " + COLUMNS + " FROM outbox WHERE " + where
                        + " AND (CAST(:after AS bigint) IS NULL OR id > :after) ORDER BY id LIMIT :limit")
                .param("target", target)
                .param("kind", target == null ? null : target + ":%")
                .param("after", after)
                .param("limit", limit + 1)
                .query(row)
                .list();
        long total = jdbc.sql("SELECT count(*) FROM outbox WHERE " + where)
                .param("target", target)
                .param("kind", target == null ? null : target + ":%")
                .query(Long.class)
                .single();
        return Page.of(rows, limit, total, e -> Long.toString(e.id()));
    }

    /**
     * Puts a dead or delivered event back in line, due now, its attempts counted from zero: delivered again, at
     * least once. A pending event is {@code 409 outbox_event_pending}.
     */
    @Transactional
    public Event replay(String actor, long id) {
        Event before = jdbc.sql("SELECT " + COLUMNS + " FROM outbox WHERE id = :id FOR UPDATE")
                .param("id", id)
                .query(row)
                .optional()
                .orElseThrow(() -> ErrorCode.OUTBOX_EVENT_NOT_FOUND.problem("There is no outbox event " + id + "."));
        if (before.state().equals("pending")) {
            throw ErrorCode.OUTBOX_EVENT_PENDING.problem(
                    "Outbox event " + id + " is still pending (attempt " + (before.attempts() + 1) + " is due at "
                            + before.nextAttemptAt() + "); only dead or delivered events are replayed.");
        }
        jdbc.sql("""
                        UPDATE outbox SET delivered_at = NULL, dead_at = NULL, attempts = 0, claimed_until = NULL,
                                          next_attempt_at = :now
                        WHERE id = :id
                        """)
                .param("id", id)
                .param("now", Timestamp.from(clock.instant()))
                .update();
        audit.record(
                actor, "outbox.replayed", "outbox:" + id, Map.of("state", before.state()), Map.of("state", "pending"));
        bus.publish(Outbox.TOPIC, "replay");
        return jdbc.sql("SELECT " + COLUMNS + " FROM outbox WHERE id = :id")
                .param("id", id)
                .query(row)
                .single();
    }

    /** Puts every dead event (of one target, or kind of target) back in line; how many. In batches. */
    public long replayDead(String actor, @Nullable String target) {
        long total = 0;
        while (true) {
            Integer batch = tx.execute(status -> replayDeadBatch(actor, target));
            int replayed = batch == null ? 0 : batch;
            total += replayed;
            if (replayed < REPLAY_BATCH) {
                return total;
            }
        }
    }

    private int replayDeadBatch(String actor, @Nullable String target) {
        int replayed = jdbc.sql("""
                        UPDATE outbox SET dead_at = NULL, attempts = 0, claimed_until = NULL, next_attempt_at = :now
                        WHERE id IN (SELECT id FROM outbox WHERE dead_at IS NOT NULL AND %s ORDER BY id LIMIT :batch)
                        """.formatted(TARGET))
                .param("now", Timestamp.from(clock.instant()))
                .param("target", target)
                .param("kind", target == null ? null : target + ":%")
                .param("batch", REPLAY_BATCH)
                .update();
        if (replayed > 0) {
            var after = new java.util.LinkedHashMap<String, Object>();
            after.put("replayed", replayed);
            after.put("target", target == null ? "*" : target);
            audit.record(actor, "outbox.dead_replayed", "outbox", null, after);
            bus.publish(Outbox.TOPIC, "replay");
        }
        return replayed;
    }

    /** {@code pending}, {@code dead} or {@code delivered}, else null. */
    public static @Nullable State state(String text) {
        try {
            return State.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
