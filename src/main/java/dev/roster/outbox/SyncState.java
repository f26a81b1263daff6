package dev.roster.outbox;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * How far the latest change of API rows (memberships, grants) has travelled to the targets that must hear of it,
 * from their outbox events: {@code pending} while any target still waits for it, {@code failed} when it died for a
 * target, else {@code synced}. A row without an event (nothing had to hear of it, or it was pruned after delivery)
 * has no state.
 */
@Component
public class SyncState {

    /** One row's state: {@code state}, the attempts made, the last error while undelivered. */
    public record Of(String state, int attempts, @Nullable String lastError) {}

    // Each subject's latest event by outbox_subject_idx, then that event's rows (one per target) by
    // outbox_event_id_target_key: one round trip for a whole page.
    private static final String OF_SUBJECTS = """
            SELECT l.subject,
                   CASE WHEN count(*) FILTER (WHERE o.dead_at IS NOT NULL) > 0 THEN 'failed'
                        WHEN count(*) FILTER (WHERE o.delivered_at IS NULL) > 0 THEN 'pending'
                        ELSE 'synced' END AS state,
                   max(o.attempts) AS attempts,
                   max(o.last_error) FILTER (WHERE o.delivered_at IS NULL) AS last_error
            FROM (SELECT DISTINCT ON (subject) subject, event_id FROM outbox
                  WHERE subject = ANY (CAST(:subjects AS text[]))
                  ORDER BY subject, id DESC) l
            JOIN outbox o ON o.event_id = l.event_id
            GROUP BY l.subject
            """;

    private final JdbcClient jdbc;

    SyncState(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The states of {@code subjects} that have one, by subject. */
    public Map<String, Of> of(Collection<String> subjects) {
        var states = new HashMap<String, Of>();
        if (subjects.isEmpty()) {
            return states;
        }
        // Subjects are made of prefixes and UUIDs: quoted, they are safe in an array literal.
        String array = subjects.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(",", "{", "}"));
        jdbc.sql(OF_SUBJECTS).param("subjects", array).query(rs -> {
            states.put(
                    rs.getString("subject"),
                    new Of(rs.getString("state"), rs.getInt("attempts"), rs.getString("last_error")));
        });
        return states;
    }
}
