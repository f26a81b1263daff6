package dev.roster.scim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * {@code ROSTER_SCIM_STATEMENT_TIMEOUT} bounds a list whose filter no index serves: the request is refused
 * ({@code 400 tooMany}, in SCIM's error format), and the connection it used serves the next one normally.
 */
@TestPropertySource(properties = "roster.scim.statement-timeout=5ms")
class ScimStatementTimeoutTests extends ScimTest {

    @Test
    void aListThatRunsTooLongIsRefusedAndTheNextRequestIsServed() throws Exception {
        String acme = tenant("acme");
        jdbc.sql("""
                INSERT INTO users (id, provider, external_id, email, display_name)
                SELECT gen_random_uuid(), 'https://idp.example.com', 'bulk-' || g, 'bulk' || g || '@acme.example',
                       'Bulk ' || g
                FROM generate_series(1, 50000) g
                """).update();
        jdbc.sql("""
                INSERT INTO memberships (user_id, tenant_id, role_id)
                SELECT id, CAST(:tenant AS uuid), CAST(:role AS uuid) FROM users WHERE external_id LIKE 'bulk-%'
                """).param("tenant", acme).param("role", VIEWER).update();
        Client client = scimClient("Entra", acme);

        Http.Response slow =
                scim(client.token(), "/Users?filter=" + q("displayName co \"zz\" or title co \"q\"") + "&count=5");

        assertThat(slow.status()).as(slow.body()).isEqualTo(400);
        assertThat(slow.header("Content-Type")).startsWith("application/scim+json");
        assertThat(slow.json().path("scimType").asString()).isEqualTo("tooMany");
        assertThat(slow.json().path("detail").asString()).contains("ROSTER_SCIM_STATEMENT_TIMEOUT");
        // The timeout ended with the request's transaction: no connection of the pool kept it.
        var connections = new java.util.ArrayList<java.sql.Connection>();
        try {
            for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
                connections.add(pool.getConnection());
            }
            for (java.sql.Connection connection : connections) {
                try (var st = connection.createStatement();
                        var rs = st.executeQuery("SHOW statement_timeout")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("0");
                }
            }
        } finally {
            for (java.sql.Connection connection : connections) {
                connection.close();
            }
        }
        assertThat(http.get("/v1/tenants/" + acme, admin).status()).isEqualTo(200);
    }

    @org.springframework.beans.factory.annotation.Autowired
    com.zaxxer.hikari.HikariDataSource pool;
}
