package dev.roster.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;

/** The embedded PostgreSQL keeps its data across restarts, and a second process on the same home attaches to it. */
class EmbeddedDatabaseTests {

    @Test
    void aSecondStartOnALiveDataDirectoryAttachesInsteadOfStartingAnotherServer() throws Exception {
        Path home = Files.createTempDirectory("roster-embedded");
        try (var first = EmbeddedDatabase.startOrAttach(home, 0)) {
            execute(first, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");

            try (var second = EmbeddedDatabase.startOrAttach(home, 0)) {
                assertThat(second.port()).isEqualTo(first.port());
            }
            // Closing the attached one left the server running.
            assertThat(query(first, "SELECT v FROM kept")).isEqualTo("still here");
        }

        try (var restarted = EmbeddedDatabase.startOrAttach(home, 0)) {
            assertThat(query(restarted, "SELECT v FROM kept")).isEqualTo("still here");
            assertThat(query(restarted, "SHOW synchronous_commit")).isEqualTo("on");
            assertThat(query(restarted, "SHOW fsync")).isEqualTo("on");
        }
    }

    private static void execute(EmbeddedDatabase db, String sql) throws Exception {
        try (var c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "");
                var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String query(EmbeddedDatabase db, String sql) throws Exception {
        try (var c = DriverManager.getConnection(db.jdbcUrl(), "postgres", "");
                var st = c.createStatement();
                var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
