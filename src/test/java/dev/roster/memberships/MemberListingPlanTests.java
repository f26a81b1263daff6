package dev.roster.memberships;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.IntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A member list page of a 10,000-member tenant is one range scan of the memberships index plus primary-key lookups
 * of 51 users, and its total a sum over a few counter rows kept by triggers: never a scan of the tenant's members per row, never a scan of
 * users (the seed's listing read every member plus one role lookup per row).
 */
class MemberListingPlanTests extends IntegrationTest {

    UUID big;

    @org.springframework.beans.factory.annotation.Autowired
    MemberCounts counts;

    @BeforeEach
    void aTenantOfTenThousandMembersAmongOthers() {
        jdbc.sql("""
                INSERT INTO tenants (id, slug, name)
                SELECT gen_random_uuid(), 'other-' || i, 'Other ' || i FROM generate_series(1, 200) i
                """).update();
        big = jdbc.sql("INSERT INTO tenants (id, slug, name) VALUES (gen_random_uuid(), 'big', 'Big') RETURNING id")
                .query(UUID.class)
                .single();
        jdbc.sql("""
                INSERT INTO users (id, provider, external_id, email)
                SELECT gen_random_uuid(), 'plan', 'u' || i, 'u' || i || '@plan.example' FROM generate_series(1, 30000) i
                """).update();
        jdbc.sql("""
                INSERT INTO memberships (user_id, tenant_id, role_id)
                SELECT id, :big, CASE WHEN random() < 0.5 THEN '00000000-0000-0000-0000-000000000104'::uuid
                                      ELSE '00000000-0000-0000-0000-000000000105'::uuid END
                FROM users ORDER BY id LIMIT 10000
                """).param("big", big).update();
        jdbc.sql("""
                INSERT INTO memberships (user_id, tenant_id, role_id)
                SELECT u.id, t.id, '00000000-0000-0000-0000-000000000105'
                FROM (SELECT id, row_number() OVER () AS n FROM users) u
                JOIN (SELECT id, row_number() OVER () AS n FROM tenants WHERE slug LIKE 'other-%') t
                  ON t.n BETWEEN (u.n % 196) + 1 AND (u.n % 196) + 4
                """).update();
        // As autovacuum leaves a table in production: statistics and the visibility map index-only scans need.
        jdbc.sql("VACUUM ANALYZE users, memberships, tenants, roles").update();
    }

    @Test
    void aPageIsOneIndexRangeAndPrimaryKeyLookups() {
        String firstPage = explain(
                Members.PAGE.formatted("").replace(":tenantId", "'" + big + "'").replace(":limit", "51"));
        String laterPage = explain(Members.PAGE
                .formatted(Members.AFTER)
                .replace(":tenantId", "'" + big + "'")
                .replace(":after", "'" + UUID.randomUUID() + "'")
                .replace(":limit", "51"));
        String byRole = explain(Members.PAGE
                .formatted(Members.BY_ROLE + Members.AFTER)
                .replace(":tenantId", "'" + big + "'")
                .replace(":roleId", "'00000000-0000-0000-0000-000000000104'")
                .replace(":after", "'" + UUID.randomUUID() + "'")
                .replace(":limit", "51"));

        // Roles is a handful of rows: scanning it is fine; scanning members or users is not.
        assertThat(byRole).as(byRole).doesNotContain("Seq Scan on memberships").doesNotContain("Seq Scan on users");
        for (String plan : new String[] {firstPage, laterPage}) {
            assertThat(plan)
                    .as(plan)
                    .contains("memberships_tenant_id_user_id_role_idx")
                    .contains("users_pkey")
                    .doesNotContain("Seq Scan on users")
                    .doesNotContain("Seq Scan on memberships");
        }
    }

    @Test
    void theTotalIsReadFromTheTenantsCountersAndIsExact() {
        // The counters after the background fold, analysed as autovacuum would leave them. Whether the planner reads a
        // few hundred counter rows by index or by a scan of their two pages depends on the statistics of the moment;
        // what matters is that the total never reads the tenant's memberships.
        counts.fold();
        jdbc.sql("ANALYZE member_counts, member_count_deltas").update();
        String plan = explain(Members.COUNT.formatted("").replace(":tenantId", "'" + big + "'"));

        assertThat(plan).as(plan).doesNotContain("on memberships").contains("member_counts");
        long counted = jdbc.sql("SELECT count(*) FROM memberships WHERE tenant_id = :t")
                .param("t", big)
                .query(Long.class)
                .single();
        jdbc.sql("DELETE FROM memberships WHERE tenant_id = :t AND user_id IN"
                        + " (SELECT user_id FROM memberships WHERE tenant_id = :t ORDER BY user_id LIMIT 10)")
                .param("t", big)
                .update();
        jdbc.sql("UPDATE memberships SET role_id = '00000000-0000-0000-0000-000000000104' WHERE tenant_id = :t"
                        + " AND role_id = '00000000-0000-0000-0000-000000000105' AND user_id IN"
                        + " (SELECT user_id FROM memberships WHERE tenant_id = :t"
                        + " AND role_id = '00000000-0000-0000-0000-000000000105' ORDER BY user_id LIMIT 7)")
                .param("t", big)
                .update();

        assertThat(counted).isEqualTo(10_000);
        // Exact before and after the deltas are folded into the counters.
        assertThat(total(null))
                .isEqualTo(jdbc.sql("SELECT count(*) FROM memberships WHERE tenant_id = :t")
                        .param("t", big)
                        .query(Long.class)
                        .single());
        counts.fold();
        assertThat(jdbc.sql("SELECT count(*) FROM member_count_deltas")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(total(null))
                .isEqualTo(jdbc.sql("SELECT count(*) FROM memberships WHERE tenant_id = :t")
                        .param("t", big)
                        .query(Long.class)
                        .single());
        assertThat(total(null)).isLessThan(counted);
        assertThat(total("00000000-0000-0000-0000-000000000104"))
                .isEqualTo(jdbc.sql("SELECT count(*) FROM memberships WHERE tenant_id = :t"
                                + " AND role_id = '00000000-0000-0000-0000-000000000104'")
                        .param("t", big)
                        .query(Long.class)
                        .single());
    }

    private long total(String role) {
        var statement = jdbc.sql(Members.COUNT.formatted(role == null ? "" : Members.COUNT_BY_ROLE))
                .param("tenantId", big);
        if (role != null) {
            statement = statement.param("roleId", UUID.fromString(role));
        }
        return statement.query(Long.class).single();
    }
}
