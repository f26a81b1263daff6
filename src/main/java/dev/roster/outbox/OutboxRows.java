package dev.roster.outbox;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The relay's SQL over {@code outbox}: claims, and the outcome of each attempt.
 *
 * <p>On connections of its own, whose commits do not wait for the disk ({@code synchronous_commit = off}): a claim or
 * an outcome that a crash of PostgreSQL loses only means an event delivered again, which at-least-once delivery
 * allows; and the writers, whose commits wait for the disk while they hold the version lock, no longer queue behind
 * the relay's flushes (measured: {@code ./roster bench outbox}).
 */
@Repository
class OutboxRows implements DisposableBean {

    static final int MAX_ERROR = 1_000;

    // Of a kind this node delivers (a node without some target, say mid-upgrade, leaves its events to the others);
    // due, unclaimed (or claimed by a node that let the claim lapse), and first of its (target, aggregate) among the
    // undelivered: an event waits for the earlier ones to the same target about the same aggregate. SKIP LOCKED: two
    // relays claiming at once take different events.
    /**
     * The relay's sessions: commits that do not wait for the disk (a lost record is a repeated delivery), and no sorts.
     * A claim must walk the due index in order and probe each candidate's predecessors by index (kept a subplan by
     * {@code OFFSET 0}, whose order only the (target, aggregate, sequence) index gives), whatever the statistics say: they are usually from a quiet moment, with nothing
     * pending, and a burst then made the planner scan every pending event for every candidate — 60,000 pending events
     * took a claim past a minute; this way it takes a fraction of a millisecond either way.
     */
    static final String SESSION =
            "SELECT set_config('synchronous_commit', 'off', false)," + " set_config('enable_sort', 'off', false)";

    static final String CLAIM = """
            UPDATE outbox SET claimed_until = :until
            WHERE id IN (
                SELECT o.id FROM outbox o
                WHERE o.delivered_at IS NULL AND o.dead_at IS NULL AND o.next_attempt_at <= :now
                  AND (o.claimed_until IS NULL OR o.claimed_until <= :now)
                  AND split_part(o.target, ':', 1) IN (:kinds)
                  AND NOT EXISTS (
                      SELECT 1 FROM outbox p
                      WHERE p.target = o.target AND p.aggregate_type = o.aggregate_type
                        AND p.aggregate_id = o.aggregate_id
                        AND p.delivered_at IS NULL AND p.dead_at IS NULL
                        AND (p.sequence, p.id) < (o.sequence, o.id)
                      ORDER BY p.sequence, p.id LIMIT 1 OFFSET 0)
                ORDER BY o.next_attempt_at, o.id
                LIMIT :limit
                FOR UPDATE SKIP LOCKED)
            RETURNING id, event_id, target, aggregate_type, aggregate_id, sequence, event_type, payload::text AS payload,
                      origin, created_at, attempts
            """;

    // Many at once: a busy relay records its deliveries in one statement per round, not one commit per event.
    private static final String DELIVERED = """
            UPDATE outbox SET delivered_at = :now, attempts = attempts + 1, claimed_until = NULL, last_error = NULL
            WHERE id = ANY (CAST(:ids AS bigint[])) AND delivered_at IS NULL
            """;

    // The failed attempt; unless the event is dead, the events queued behind it (same target and aggregate) are
    // due no sooner than its next attempt: they wait for it anyway, and a claim then does not read through them.
    private static final String FAILED = """
            WITH failed AS (
                UPDATE outbox SET attempts = attempts + 1, claimed_until = NULL, last_error = :error,
                                  next_attempt_at = :next, dead_at = :dead
                WHERE id = :id AND delivered_at IS NULL AND dead_at IS NULL AND claimed_until = :claim
                RETURNING target, aggregate_type, aggregate_id, sequence, id, dead_at)
            UPDATE outbox s SET next_attempt_at = :next
            FROM failed f
            WHERE f.dead_at IS NULL
              AND s.target = f.target AND s.aggregate_type = f.aggregate_type AND s.aggregate_id = f.aggregate_id
              AND s.delivered_at IS NULL AND s.dead_at IS NULL AND (s.sequence, s.id) > (f.sequence, f.id)
              AND s.next_attempt_at < :next
            """;

    private static final String RELEASE =
            "UPDATE outbox SET claimed_until = NULL WHERE id IN (:ids) AND delivered_at IS NULL AND dead_at IS NULL";

    private static final RowMapper<OutboxEvent> ROW = (rs, i) -> new OutboxEvent(
            rs.getLong("id"),
            rs.getObject("event_id", UUID.class),
            rs.getString("target"),
            rs.getString("aggregate_type"),
            rs.getString("aggregate_id"),
            rs.getLong("sequence"),
            rs.getString("event_type"),
            rs.getString("payload"),
            Origin.valueOf(rs.getString("origin").toUpperCase(Locale.ROOT)),
            rs.getTimestamp("created_at").toInstant(),
            rs.getInt("attempts") + 1);

    private final HikariDataSource connections;
    private final JdbcClient jdbc;

    OutboxRows(HikariDataSource database) {
        var config = new HikariConfig();
        config.setPoolName("roster-outbox");
        config.setJdbcUrl(database.getJdbcUrl());
        config.setUsername(database.getUsername());
        config.setPassword(database.getPassword());
        config.setDataSourceProperties(database.getDataSourceProperties());
        config.addDataSourceProperty("ApplicationName", "roster-outbox");
        // The relay's loop claims and records; delivery threads record failures now and then.
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(5_000);
        config.setConnectionInitSql(SESSION);
        this.connections = new HikariDataSource(config);
        this.jdbc = JdbcClient.create(connections);
    }

    @Override
    public void destroy() {
        connections.close();
    }

    /** Claims up to {@code limit} due events of {@code kinds} of target until {@code until}, in the order due. */
    List<OutboxEvent> claim(Collection<String> kinds, Instant now, Instant until, int limit) {
        if (kinds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql(CLAIM)
                .param("kinds", kinds)
                .param("now", Timestamp.from(now))
                .param("until", Timestamp.from(until))
                .param("limit", limit)
                .query(ROW)
                .list();
    }

    /** Events delivered (by {@code now}): no longer due anywhere, and the next of their aggregate may go. */
    void delivered(Collection<Long> ids, Instant now) {
        if (!ids.isEmpty()) {
            jdbc.sql(DELIVERED)
                    .param("ids", ids.toArray(Long[]::new))
                    .param("now", Timestamp.from(now))
                    .update();
        }
    }

    /**
     * A failed attempt: due again at {@code next}, or dead from {@code dead} on. Recorded only while the claim
     * ending at {@code claim} still stands: if it lapsed and another node took the event, that node's outcome counts.
     */
    void failed(long id, Instant claim, String error, Instant next, @Nullable Instant dead) {
        jdbc.sql(FAILED)
                .param("id", id)
                .param("claim", Timestamp.from(claim))
                .param("error", error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error)
                .param("next", Timestamp.from(next))
                .param("dead", dead == null ? null : Timestamp.from(dead))
                .update();
    }

    /** Gives up this node's claims on events it will not deliver (shutting down): any node may take them at once. */
    void release(Collection<Long> ids) {
        if (!ids.isEmpty()) {
            jdbc.sql(RELEASE).param("ids", ids).update();
        }
    }
}
