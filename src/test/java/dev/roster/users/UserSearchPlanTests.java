package dev.roster.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.IntegrationTest;
import dev.roster.users.UserDirectory.Query;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every filter of the admin user search has an index that serves it at scale: never a scan of all users (the exact
 * total counts the matches, so the count's plan is the one that matters).
 */
class UserSearchPlanTests extends IntegrationTest {

    UUID tenant;

    @BeforeEach
    void twentyThousandUsers() {
        jdbc.sql("""
                INSERT INTO users (id, provider, external_id, email, first_name, last_name, division, department,
                                   is_active)
                SELECT gen_random_uuid(), 'plan', 'u' || i, 'u' || i || '@plan.example',
                       (ARRAY['Ada','Bob','Cyd','Dora','Eve','Finn','Gus','Hana'])[i % 8 + 1],
                       (ARRAY['Marsh','Stone','Brook','Field','Wood','Lake'])[i % 6 + 1],
                       'division-' || (i % 20), 'department-' || (i % 200), i % 50 <> 0
                FROM generate_series(1, 20000) i
                """).update();
        tenant = jdbc.sql(
                        "INSERT INTO tenants (id, slug, name) VALUES (gen_random_uuid(), 'plan', 'Plan') RETURNING id")
                .query(UUID.class)
                .single();
        jdbc.sql("""
                INSERT INTO tenants (id, slug, name)
                SELECT gen_random_uuid(), 'other-' || i, 'Other' FROM generate_series(1, 100) i
                """).update();
        jdbc.sql("""
                INSERT INTO memberships (user_id, tenant_id, role_id)
                SELECT u.id, t.id, '00000000-0000-0000-0000-000000000105'
                FROM (SELECT id, row_number() OVER () AS n FROM users) u
                JOIN (SELECT id, row_number() OVER () AS n FROM tenants WHERE slug LIKE 'other-%') t
                  ON t.n = (u.n % 100) + 1
                """).update();
        jdbc.sql("""
                INSERT INTO memberships (user_id, tenant_id, role_id)
                SELECT id, :t, '00000000-0000-0000-0000-000000000103' FROM users ORDER BY id LIMIT 100
                """).param("t", tenant).update();
        jdbc.sql("VACUUM ANALYZE users, memberships, tenants").update();
    }

    private String plan(Query query) {
        UserDirectory.Where count = UserDirectory.countOf(query);
        return String.join(
                "\n",
                jdbc.sql("EXPLAIN " + count.statement())
                        .params(count.params())
                        .query(String.class)
                        .list());
    }

    private static Query only(
            String q, String division, String department, UUID role, UUID tenantId, Boolean active, List<UUID> scope) {
        return new Query(q, division, department, role, tenantId, active, scope);
    }

    @Test
    void eachFilterIsServedByItsIndex() {
        UUID operator = UUID.fromString("00000000-0000-0000-0000-000000000103");
        assertThat(plan(only("mar", null, null, null, null, null, null))).contains("users_search_text_idx");
        assertThat(plan(only(null, "division-3", null, null, null, null, null))).contains("users_division_idx");
        assertThat(plan(only(null, null, "department-17", null, null, null, null)))
                .contains("users_department_idx");
        assertThat(plan(only(null, null, null, null, null, false, null))).contains("users_is_active_idx");
        assertThat(plan(only(null, null, null, null, tenant, null, null))).contains("memberships_tenant_id_user_id");
        assertThat(plan(only(null, null, null, operator, null, null, null))).contains("memberships_role_id_idx");
        assertThat(plan(only("mar", null, "department-17", null, null, null, null)))
                .contains("users_department_idx");
        assertThat(plan(only(null, null, null, null, null, null, List.of(tenant))))
                .contains("memberships_tenant_id_user_id");
    }

    @Test
    void noFilterScansAllUsers() {
        UUID operator = UUID.fromString("00000000-0000-0000-0000-000000000103");
        for (Query query : List.of(
                only("mar", null, null, null, null, null, null),
                only(null, "division-3", null, null, null, null, null),
                only(null, null, "department-17", null, null, null, null),
                only(null, null, null, null, null, false, null),
                only(null, null, null, null, tenant, null, null),
                only(null, null, null, operator, null, null, null),
                only(null, null, null, null, null, null, List.of(tenant)))) {
            String plan = plan(query);
            assertThat(plan).as(plan).doesNotContain("Seq Scan on users");
        }
    }
}
