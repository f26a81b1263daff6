package dev.roster.inbound;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The SQL of {@code inbound_events} (every event a source sent, once) and {@code inbound_subjects} (how far each is). */
@Repository
class InboundEvents {

    private static final String RECORD = """
            INSERT INTO inbound_events (source, event_id, event_type, occurred_at, subject, payload)
            VALUES (:source, :eventId, :type, :occurredAt, :subject, CAST(:payload AS jsonb))
            ON CONFLICT (source, event_id) DO NOTHING
            RETURNING id
            """;
    private static final String COLUMNS =
            "id, source, event_id, event_type, occurred_at, subject, payload::text AS payload, received_at, outcome,"
                    + " detail, applied_at";
    private static final String LOCK = "SELECT " + COLUMNS + " FROM inbound_events WHERE id = :id FOR UPDATE";
    private static final String OUTCOME =
            "UPDATE inbound_events SET outcome = :outcome, detail = :detail, applied_at = now() WHERE id = :id";
    private static final String POSITION =
            "SELECT occurred_at FROM inbound_subjects WHERE source = :source AND subject = :subject FOR UPDATE";
    private static final String ADVANCE = """
            INSERT INTO inbound_subjects (source, subject, occurred_at, event_id)
            VALUES (:source, :subject, :occurredAt, :eventId)
            ON CONFLICT (source, subject) DO UPDATE
            SET occurred_at = excluded.occurred_at, event_id = excluded.event_id
            WHERE inbound_subjects.occurred_at <= excluded.occurred_at
            """;
    // Newest first; outcome 'pending' for those not applied yet.
    private static final String PAGE = """
            SELECT %s FROM inbound_events
            WHERE source = :source AND (CAST(:before AS bigint) IS NULL OR id < :before)
              AND (CAST(:outcome AS text) IS NULL OR coalesce(outcome, 'pending') = :outcome)
            ORDER BY id DESC LIMIT :limit
            """.formatted(COLUMNS);
    private static final String COUNT = """
            SELECT count(*) FROM inbound_events
            WHERE source = :source AND (CAST(:outcome AS text) IS NULL OR coalesce(outcome, 'pending') = :outcome)
            """;

    /** An event as recorded; {@code outcome} null until applied. */
    record Recorded(
            long id,
            String source,
            String eventId,
            String eventType,
            Instant occurredAt,
            String subject,
            String payload,
            Instant receivedAt,
            @Nullable String outcome,
            @Nullable String detail,
            @Nullable Instant appliedAt) {}

    private static final RowMapper<Recorded> ROW = (rs, i) -> {
        OffsetDateTime applied = rs.getObject("applied_at", OffsetDateTime.class);
        return new Recorded(
                rs.getLong("id"),
                rs.getString("source"),
                rs.getString("event_id"),
                rs.getString("event_type"),
                rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                rs.getString("subject"),
                rs.getString("payload"),
                rs.getObject("received_at", OffsetDateTime.class).toInstant(),
                rs.getString("outcome"),
                rs.getString("detail"),
                applied == null ? null : applied.toInstant());
    };

    private final JdbcClient jdbc;

    InboundEvents(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records the event unless the source sent it before; its row id, or empty for a redelivery. */
    Optional<Long> record(
            String source, String eventId, String type, Instant occurredAt, String subject, String payload) {
        return jdbc.sql(RECORD)
                .param("source", source)
                .param("eventId", eventId)
                .param("type", type)
                .param("occurredAt", Timestamp.from(occurredAt))
                .param("subject", subject)
                .param("payload", payload)
                .query(Long.class)
                .optional();
    }

    Optional<Recorded> lock(long id) {
        return jdbc.sql(LOCK).param("id", id).query(ROW).optional();
    }

    void outcome(long id, String outcome, @Nullable String detail) {
        jdbc.sql(OUTCOME)
                .param("id", id)
                .param("outcome", outcome)
                .param("detail", detail)
                .update();
    }

    /** When the newest event applied about {@code subject} happened, locked until commit; empty before the first. */
    Optional<Instant> position(String source, String subject) {
        return jdbc.sql(POSITION)
                .param("source", source)
                .param("subject", subject)
                .query(Timestamp.class)
                .optional()
                .map(Timestamp::toInstant);
    }

    void advance(String source, String subject, Instant occurredAt, String eventId) {
        jdbc.sql(ADVANCE)
                .param("source", source)
                .param("subject", subject)
                .param("occurredAt", Timestamp.from(occurredAt))
                .param("eventId", eventId)
                .update();
    }

    List<Recorded> page(String source, @Nullable String outcome, @Nullable Long before, int limit) {
        return jdbc.sql(PAGE)
                .param("source", source)
                .param("outcome", outcome)
                .param("before", before)
                .param("limit", limit)
                .query(ROW)
                .list();
    }

    long count(String source, @Nullable String outcome) {
        return jdbc.sql(COUNT)
                .param("source", source)
                .param("outcome", outcome)
                .query(Long.class)
                .single();
    }
}
