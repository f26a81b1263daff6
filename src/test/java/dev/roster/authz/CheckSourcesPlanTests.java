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
        // 2,000 users of one membership each, analysed: with empty tables (and their statistics) a scan is cheapest.
        jdbc.sql("""
                INSERT INTO users (id, provider, external_id, email)
                SELECT gen_random_uuid(), 'plan', 'u' || i, 'u' || i || '@example.com' FROM generate_series(1, 2000) i
                """).update();
        jdbc.sql("""
                INSERT INTO memberships (user_id, tenant_id, role_id, source)
                SELECT u.id, :tenant, '00000000-0000-0000-0000-000000000105', 'local' FROM users u
                WHERE u.provider = 'plan'
                """).param("tenant", tenant).update();
        jdbc.sql("ANALYZE users, memberships, roles").update();

        String plan = explain(CheckSources.STANDING.replace(":user", "'" + UUID.randomUUID() + "'"));

        assertThat(plan).as(plan).doesNotContain("Seq Scan on users").doesNotContain("Seq Scan on memberships");
    }
}
