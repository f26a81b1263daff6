package dev.roster.scim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.serviceaccounts.ServiceAccount;
import dev.roster.support.IntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The lookups provisioners make before every create (by {@code userName}, {@code externalId}, {@code emails.value},
 * {@code id}) reach their index in a client's tenant of 20,000 members: never a scan of the tenant's members, in the
 * page's statement or in the exact total's.
 */
class ScimUserPlanTests extends IntegrationTest {

    UUID tenant;

    @BeforeEach
    void twentyThousandMembers() {
        jdbc.sql("""
                INSERT INTO users (id, provider, external_id, email, username, first_name, department)
                SELECT gen_random_uuid(), 'plan', 'ext-' || i, 'u' || i || '@plan.example',
                       CASE WHEN i % 3 = 0 THEN NULL ELSE 'user' || i END, 'First' || (i % 50), 'dep-' || (i % 100)
                FROM generate_series(1, 20000) i
                """).update();
        tenant = jdbc.sql(
                        "INSERT INTO tenants (id, slug, name) VALUES (gen_random_uuid(), 'plan', 'Plan') RETURNING id")
                .query(UUID.class)
                .single();
        jdbc.sql("""
                INSERT INTO memberships (user_id, tenant_id, role_id)
                SELECT id, :t, '00000000-0000-0000-0000-000000000105' FROM users
                """).param("t", tenant).update();
        jdbc.sql("VACUUM ANALYZE users, memberships, tenants").update();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "userName eq \"User42\"|users_scim_user_name_idx",
                "userName eq \"u42@plan.example\"|users_scim_user_name_idx",
                "emails.value eq \"U42@plan.example\"|users_email_idx",
                "emails[type eq \"work\"].value eq \"u42@plan.example\"|users_email_idx",
                "externalId eq \"ext-42\"|users_external_id_idx",
                "id eq \"00000000-0000-0000-0000-000000000042\"|users_pkey"
            })
    void lookupsUseTheirIndex(String filter, String index) {
        SqlFilter.Condition condition = SqlFilter.of(ScimUsers.SCHEMA, filter);

        String page = plan(ScimUserRows.pageSql(condition, "u.id", false), condition);
        String count = plan(ScimUserRows.countSql(condition), condition);

        assertThat(page).contains(index).doesNotContain("Seq Scan on users");
        assertThat(count).contains(index).doesNotContain("Seq Scan on users");
    }

    private String plan(String sql, SqlFilter.Condition condition) {
        return String.join(
                "\n",
                jdbc.sql("EXPLAIN " + sql)
                        .params(condition.params())
                        .param("serviceAccounts", ServiceAccount.PROVIDER)
                        .param("tenants", new UUID[] {tenant})
                        .param("client", UUID.randomUUID())
                        .param("count", 200)
                        .param("offset", 0)
                        .query(String.class)
                        .list());
    }
}
