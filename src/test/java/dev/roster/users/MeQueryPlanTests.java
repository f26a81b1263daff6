package dev.roster.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.IntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** /v1/me's one query must stay two index lookups at scale, never a scan of users or memberships. */
class MeQueryPlanTests extends IntegrationTest {

    @Test
    void theMeQueryUsesPrimaryKeysAtScale() {
        jdbc.sql("""
                INSERT INTO tenants (id, slug, name)
                SELECT gen_random_uuid(), 'plan-' || i, 'Plan ' || i FROM generate_series(1, 2000) i
                """).update();
        jdbc.sql("""
                INSERT INTO users (id, provider, external_id, email)
                SELECT gen_random_uuid(), 'plan', 'u' || i, 'u' || i || '@plan.example' FROM generate_series(1, 20000) i
                """).update();
        jdbc.sql("""
                INSERT INTO memberships (user_id, tenant_id, role_id)
                SELECT u.id, t.id, '00000000-0000-0000-0000-000000000105'
                FROM (SELECT id, row_number() OVER () AS n FROM users) u
                JOIN (SELECT id, row_number() OVER () AS n FROM tenants WHERE slug LIKE 'plan-%') t
                  ON t.n BETWEEN (u.n % 1990) + 1 AND (u.n % 1990) + 5
                """).update();
        jdbc.sql("ANALYZE users, memberships, tenants, roles").update();
        UUID someone =
                jdbc.sql("SELECT id FROM users LIMIT 1").query(UUID.class).single();

        String plan = String.join(
                "\n",
                jdbc.sql("EXPLAIN " + Users.FIND_ME.replace(":id", "'" + someone + "'"))
                        .query(String.class)
                        .list());

        assertThat(plan)
                .contains("users_pkey")
                .contains("memberships_pkey")
                .doesNotContain("Seq Scan on users")
                .doesNotContain("Seq Scan on memberships");
    }
}
