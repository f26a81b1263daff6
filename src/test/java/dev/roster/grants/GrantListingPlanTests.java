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
        jdbc.sql("""
                INSERT INTO tenants (id, slug, name)
                SELECT gen_random_uuid(), 'plan-' || i, 'Plan ' || i FROM generate_series(1, 100) i
                """).update();
        jdbc.sql("""
                INSERT INTO grants (id, tenant_id, principal_urn, permission, selector)
                SELECT gen_random_uuid(), t.id, 'user:' || gen_random_uuid(), 'docs:read', 'docs/' || i
                FROM tenants t, generate_series(1, 1000) i WHERE t.slug LIKE 'plan-%'
                """).update();
        tenant = jdbc.sql("SELECT id FROM tenants WHERE slug = 'plan-7'")
                .query(UUID.class)
                .single();
        jdbc.sql("VACUUM ANALYZE grants, tenants").update();
    }

    private String explain(String sql) {
        return String.join("\n", jdbc.sql("EXPLAIN " + sql).query(String.class).list());
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
