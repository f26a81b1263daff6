package dev.roster.grants;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.IntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A page of a tenant's grants, and its total, are ranges of one index among 100,000 grants: never a table scan. */
class GrantListingPlanTests extends IntegrationTest {

    UUID tenant;

    @BeforeEach
    void oneHundredThousandGrants() {
        tenant = hundredThousandGrants();
    }

    @Test
    void pagesAndTotalsAreIndexRanges() {
        String t = "'" + tenant + "'";
        String later = explain(Grants.PAGE
                .formatted(Grants.AFTER)
                .replace(":tenantId", t)
                .replace(":after", "'" + UUID.randomUUID() + "'")
                .replace(":limit", "51"));
        String byPrincipal = explain(Grants.PAGE
                .formatted(Grants.BY_PRINCIPAL)
                .replace(":tenantId", t)
                .replace(":principal", "'user:" + UUID.randomUUID() + "'")
                .replace(":limit", "51"));
        String total = explain(Grants.COUNT.formatted("").replace(":tenantId", t));

        assertThat(later).as(later).contains("grants_tenant_id_id_idx").doesNotContain("Seq Scan");
        for (String plan : new String[] {byPrincipal, total}) {
            assertThat(plan).as(plan).contains("grants_tenant_id").doesNotContain("Seq Scan");
        }
    }
}
