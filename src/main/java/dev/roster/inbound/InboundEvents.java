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

/** The SQL of {@code inbound_events} (every event a source sent, once) and {@code inbound_facts} (how far each is). */
@Repository
class InboundEvents {

    // Many at once, in their order; the second of one (source, event id) is skipped like one recorded before.
    private static final String RECORD_ALL = """
            INSERT INTO inbound_events (source, event_id, event_type, occurred_at, subject, payload)
            SELECT a.source, a.event_id, a.event_type, a.occurred_at, a.subject, CAST(a.payload AS jsonb)
            FROM unnest(CAST(:sources AS text[]), CAST(:eventIds AS text[]), CAST(:types AS text[]),
                        CAST(:occurredAts AS timestamptz[]), CAST(:subjects AS text[]), CAST(:payloads AS text[]))
                 WITH ORDINALITY AS a (source, event_id, event_type, occurred_at, subject, payload, position)
            ORDER BY a.position
            ON CONFLICT (source, event_id) DO NOTHING
            RETURNING id, source, event_id
            """;
    private static final String COLUMNS =
            "id, source, event_id, event_type, occurred_at, subject, payload::text AS payload, received_at, outcome,"
                    + " detail, applied_at";
    private static final String LOCK = "SELECT " + COLUMNS + " FROM inbound_events WHERE id = :id FOR UPDATE";
    private static final String OUTCOME =
            "UPDATE inbound_events SET outcome = :outcome, detail = :detail, applied_at = now() WHERE id = :id";
    private static final String POSITION =
            "SELECT occurred_at, deleted FROM inbound_facts WHERE fact = :fact FOR UPDATE";
    // Only forward: a newer time, or a deletion at the same time (a deletion beats what is stamped with its time).
    private static final String ADVANCE = """
            INSERT INTO inbound_facts (fact, occurred_at, deleted, source, event_id)
            VALUES (:fact, :occurredAt, :deleted, :source, :eventId)
            ON CONFLICT (fact) DO UPDATE
            SET occurred_at = excluded.occurred_at, deleted = excluded.deleted, source = excluded.source,
                event_id = excluded.event_id
            WHERE inbound_facts.occurred_at < excluded.occurred_at
               OR (inbound_facts.occurred_at = excluded.occurred_at AND (excluded.deleted OR NOT inbound_facts.deleted))
            """;
    private static final String REFUSED_OF_SUBJECT = """
            SELECT id, subject, event_type, event_id FROM inbound_events
            WHERE source = :source AND subject = :subject AND outcome = 'refused'
            ORDER BY id
            """;
    // Memberships refused for want of a role, made pending again in one statement. Bounded: a source that sent more
    // for a role it never created has an operator to tell. SKIP LOCKED: a row another transaction holds is being
    // reopened or replayed by it already, and waiting for it here, under the version lock a role change holds, could
    // deadlock with that transaction waiting for the version lock at its commit.
    private static final String REOPEN_FOR_WANT_OF_A_ROLE = """
            UPDATE inbound_events e SET outcome = NULL, detail = NULL, applied_at = NULL
            FROM (SELECT id FROM inbound_events
                  WHERE source = :source AND outcome = 'refused'
                    AND event_type IN ('membership.created', 'membership.updated')
                    AND starts_with(detail, :refusal)
                  ORDER BY id LIMIT 10000
                  FOR UPDATE SKIP LOCKED) r
            WHERE e.id = r.id
            RETURNING e.id, e.subject, e.event_type, e.event_id
            """;
    private static final String REOPEN = """
            UPDATE inbound_events SET outcome = NULL, detail = NULL, applied_at = NULL
            WHERE id = :id AND outcome IN ('refused', 'ignored')
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
    /** An event to record. */
    record Arrival(String source, String eventId, String type, Instant occurredAt, String subject, String payload) {}

    /**
     * Records {@code arrivals} in one statement, each once: answers the row id of each that is new, by its index in
     * {@code arrivals} (a second arrival of one (source, event id), in this batch or before, gets none).
     */
    java.util.Map<Integer, Long> recordAll(List<Arrival> arrivals) {
        var inserted = new java.util.HashMap<List<String>, Long>();
        jdbc.sql(RECORD_ALL)
                .param("sources", arrivals.stream().map(Arrival::source).toArray(String[]::new))
                .param("eventIds", arrivals.stream().map(Arrival::eventId).toArray(String[]::new))
                .param("types", arrivals.stream().map(Arrival::type).toArray(String[]::new))
                .param(
                        "occurredAts",
                        arrivals.stream()
                                .map(a -> Timestamp.from(a.occurredAt()))
                                .toArray(Timestamp[]::new))
                .param("subjects", arrivals.stream().map(Arrival::subject).toArray(String[]::new))
                .param("payloads", arrivals.stream().map(Arrival::payload).toArray(String[]::new))
                .query((rs, i) ->
                        inserted.put(List.of(rs.getString("source"), rs.getString("event_id")), rs.getLong("id")))
                .list();
        // The first arrival of each key is the one inserted (in order); the rest are duplicates.
        var ids = new java.util.HashMap<Integer, Long>();
        for (int i = 0; i < arrivals.size(); i++) {
            Long id = inserted.remove(
                    List.of(arrivals.get(i).source(), arrivals.get(i).eventId()));
            if (id != null) {
                ids.put(i, id);
            }
        }
        return ids;
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

    /** The newest event applied about a fact: when it happened, and whether it deleted it. */
    record Position(Instant occurredAt, boolean deleted) {

        /** Whether an event of {@code occurredAt} (a deletion or not) comes too late to be applied. */
        boolean supersedes(Instant occurred, boolean deletion) {
            return occurredAt.isAfter(occurred) || (occurredAt.equals(occurred) && deleted && !deletion);
        }
    }

    /** The newest event applied about {@code fact}, locked until commit; empty before the first. */
    Optional<Position> position(String fact) {
        return jdbc.sql(POSITION)
                .param("fact", fact)
                .query((rs, i) -> new Position(rs.getTimestamp("occurred_at").toInstant(), rs.getBoolean("deleted")))
                .optional();
    }

    void advance(String fact, Instant occurredAt, boolean deleted, String source, String eventId) {
        jdbc.sql(ADVANCE)
                .param("fact", fact)
                .param("occurredAt", Timestamp.from(occurredAt))
                .param("deleted", deleted)
                .param("source", source)
                .param("eventId", eventId)
                .update();
    }

    /** A refused event, to queue again. */
    record Refused(long id, String subject, String eventType, String eventId) {}

    private static final RowMapper<Refused> REFUSED = (rs, i) -> new Refused(
            rs.getLong("id"), rs.getString("subject"), rs.getString("event_type"), rs.getString("event_id"));

    List<Refused> refusedOf(String source, String subject) {
        return jdbc.sql(REFUSED_OF_SUBJECT)
                .param("source", source)
                .param("subject", subject)
                .query(REFUSED)
                .list();
    }

    /**
     * Makes the source's membership events refused for want of a role (their detail begins with {@code refusal})
     * pending again, and answers them oldest first.
     */
    List<Refused> reopenForWantOfARole(String source, String refusal) {
        var reopened = new java.util.ArrayList<>(jdbc.sql(REOPEN_FOR_WANT_OF_A_ROLE)
                .param("source", source)
                .param("refusal", refusal)
                .query(REFUSED)
                .list());
        reopened.sort(java.util.Comparator.comparingLong(Refused::id));
        return reopened;
    }

    /** A refused (or ignored) event made pending again; false when it is neither (any more). */
    boolean reopen(long id) {
        return jdbc.sql(REOPEN).param("id", id).update() == 1;
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
