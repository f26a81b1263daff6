package dev.roster.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.roster.support.IntegrationTest;
import java.sql.DriverManager;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A relay's claim stays an ordered walk of the due index with one index probe per candidate, even when the statistics
 * are from a quiet moment (nothing pending) and a burst has since queued thousands of events: planned from such
 * statistics, the claim used to compare every pending event with every candidate, and past 60,000 it ran for minutes.
 */
class OutboxClaimPlanTests extends IntegrationTest {

    @Autowired
    HikariDataSource database;

    @Test
    void aClaimAfterABurstProbesEachCandidateByIndexWhateverTheStatistics() throws Exception {
        jdbc.sql("ANALYZE outbox").update(); // the quiet moment: nothing pending
        jdbc.sql("""
                INSERT INTO outbox (event_id, target, aggregate_type, aggregate_id, sequence, event_type, payload,
                                    origin, created_at, next_attempt_at)
                SELECT gen_random_uuid(), 'inbound', 'inbound', 'burst/user:u' || g, 1000 + g / 500, 'user.updated',
                       '{}', 'upstream', now(), now() - interval '1 minute'
                FROM generate_series(1, 20000) g
                """).update();
        String claim = OutboxRows.CLAIM
                .replace(":kinds", "'inbound'")
                .replace(":now", "now()")
                .replace(":until", "now()")
                .replace(":limit", "32");

        var plan = new ArrayList<String>();
        try (var connection = DriverManager.getConnection(
                        database.getJdbcUrl(), database.getUsername(), database.getPassword());
                var statement = connection.createStatement()) {
            statement.execute(OutboxRows.SESSION); // as the relay's connections are set up
            try (var rows = statement.executeQuery("EXPLAIN " + claim)) {
                while (rows.next()) {
                    plan.add(rows.getString(1));
                }
            }
        }

        String text = String.join("\n", plan);
        assertThat(text).as(text).contains("Index Scan using outbox_due_idx");
        assertThat(text)
                .as(text)
                .containsPattern("Index Cond: \\(\\(target = o\\.target\\).*aggregate_id = o\\.aggregate_id");
        assertThat(text).as(text).doesNotContain("Sort");
    }
}
