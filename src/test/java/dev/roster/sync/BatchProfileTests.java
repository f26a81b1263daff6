package dev.roster.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.connectors.UpstreamUser;
import dev.roster.connectors.UpstreamUser.Organization;
import dev.roster.support.IntegrationTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The sweep's batch profile statement writes what a single pull's upsert writes: each case is applied to two users in
 * the same state, one through {@code upsertProfile}, the other through {@code updateProfiles}, and their rows compared
 * column by column.
 */
class BatchProfileTests extends IntegrationTest {

    private static final String PROVIDER = "batch-test";
    private static final String COLUMNS = "email, email_verified, username, first_name, last_name, middle_name,"
            + " display_name, image, position_title, division, department, section, custom_team, hierarchy_level,"
            + " reports_to_external_id, reports_to_id, is_leader, is_active, deactivated_by";

    @Autowired
    SyncedUsers users;

    @Autowired
    TransactionTemplate tx;

    /** Two users in one stored state: {@code single-<n>} and {@code batch-<n>}. */
    private void twoUsersAsStored(int n) {
        for (String kind : List.of("single", "batch")) {
            jdbc.sql("""
                            INSERT INTO users (id, provider, external_id, email, email_verified, username, first_name,
                                               last_name, display_name, position_title, division, hierarchy_level,
                                               is_leader)
                            VALUES (gen_random_uuid(), :provider, :id, :email, true, 'stored', 'Stored', 'Name',
                                    'Stored Name', 'Engineer', 'Sales', 3, true)""")
                    .param("provider", PROVIDER)
                    .param("id", kind + "-" + n)
                    .param("email", "same-" + n + "@example.com")
                    .update();
        }
    }

    private static UpstreamUser said(
            String externalId, int n, boolean verified, String firstName, Organization organization) {
        return new UpstreamUser(
                externalId,
                "same-" + n + "@example.com",
                verified,
                null,
                firstName,
                null,
                "Middle",
                null,
                null,
                organization,
                true,
                List.of());
    }

    /** Applies the case both ways and answers each way's row and whether it reported a change. */
    private List<Map<String, Object>> bothWays(int n, boolean verified, String firstName, Organization organization) {
        twoUsersAsStored(n);
        var single = tx.execute(status ->
                users.upsertProfile(PROVIDER, said("single-" + n, n, verified, firstName, organization), false));
        var batch = tx.execute(status -> users.updateProfiles(
                        PROVIDER, List.of(said("batch-" + n, n, verified, firstName, organization)))
                .get("batch-" + n));
        assertThat(batch).isNotNull();
        assertThat(batch.changed()).as("changed").isEqualTo(single.changed());
        assertThat(batch.created()).isFalse();
        assertThat(batch.active()).isEqualTo(single.active());
        return List.of(row("single-" + n), row("batch-" + n));
    }

    private Map<String, Object> row(String externalId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE provider = :p AND external_id = :id")
                .param("p", PROVIDER)
                .param("id", externalId)
                .query()
                .singleRow();
    }

    @Test
    void anOrganizationWithAManagerAndNoWordOnLeadershipIsWrittenTheSameWay() {
        jdbc.sql("INSERT INTO users (id, provider, external_id, email) VALUES (gen_random_uuid(), :p, 'boss',"
                        + " 'boss@example.com')")
                .param("p", PROVIDER)
                .update();
        var organization = new Organization("Lead", "Engineering", "Platform", null, "Core", 5, "boss", null);

        List<Map<String, Object>> rows = bothWays(1, false, null, organization);

        assertThat(rows.get(1)).isEqualTo(rows.get(0));
        assertThat(rows.get(1))
                .containsEntry("division", "Engineering")
                .containsEntry("section", null)
                .containsEntry("is_leader", false)
                .containsEntry("email_verified", false)
                .containsEntry("first_name", "Stored");
        assertThat(rows.get(1).get("reports_to_id")).isNotNull();
    }

    @Test
    void noWordOnTheOrganizationKeepsItAndNamesLeftOutKeepTheirsTheSameWay() {
        List<Map<String, Object>> rows = bothWays(2, true, "New", null);

        assertThat(rows.get(1)).isEqualTo(rows.get(0));
        assertThat(rows.get(1))
                .containsEntry("division", "Sales")
                .containsEntry("is_leader", true)
                .containsEntry("first_name", "New")
                .containsEntry("last_name", "Name")
                .containsEntry("middle_name", "Middle");
    }

    @Test
    void theSameAnswerTwiceChangesNothingEitherWay() {
        var organization = new Organization("Engineer", "Sales", null, null, null, 3, null, true);
        bothWays(3, true, "Stored", organization);

        var single = tx.execute(
                status -> users.upsertProfile(PROVIDER, said("single-3", 3, true, "Stored", organization), false));
        var batch = tx.execute(
                status -> users.updateProfiles(PROVIDER, List.of(said("batch-3", 3, true, "Stored", organization)))
                        .get("batch-3"));

        assertThat(single.changed()).isFalse();
        assertThat(batch.changed()).isFalse();
    }
}
