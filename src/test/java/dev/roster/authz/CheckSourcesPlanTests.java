package dev.roster.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.IntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cache miss of a check reads one tenant's grants by an index range, among 100,000 grants of 100 tenants, and one
 * user's memberships by their primary key: never a scan of either table.
 */
class CheckSourcesPlanTests extends IntegrationTest {

    UUID tenant;

    @BeforeEach
    void oneHundredThousandGrants() {
        tenant = hundredThousandGrants();
    }

    @Test
    void aTenantsGrantsAreOneIndexRange() {
        String plan = explain(CheckSources.TENANT_GRANTS.replace("= :tenant", "= '" + tenant + "'"));

        assertThat(plan).as(plan).contains("grants_tenant_id").doesNotContain("Seq Scan on grants");
    }

    @Test
    void legacySlugsAreResolvedWithoutReadingTheGrantsAgain() {
        String plan = explain(CheckSources.LEGACY_ROLES
                .replace(":slugs", "'{developer,ghost}'")
                .replace("= :tenant", "= '" + tenant + "'"));

        assertThat(plan).as(plan).doesNotContain("grants");
    }

    @Test
    void aUsersStandingIsPrimaryKeyProbes() {
        String plan = explain(CheckSources.STANDING.replace(":user", "'" + UUID.randomUUID() + "'"));

        assertThat(plan).as(plan).doesNotContain("Seq Scan on users").doesNotContain("Seq Scan on memberships");
    }
}
