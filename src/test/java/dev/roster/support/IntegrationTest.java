package dev.roster.support;

import dev.roster.RosterApplication;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Base of tests that drive a whole Roster over HTTP: real embedded PostgreSQL, real OIDC provider upstream, a random
 * port. Each test starts from empty tables (the root tenant, built-in roles and signing keys stay).
 */
@SpringBootTest(classes = RosterApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class IntegrationTest {

    public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";

    @LocalServerPort
    protected int port;

    /** Where metrics, Prometheus and the full health endpoint answer (not the API port). */
    @LocalManagementPort
    protected int managementPort;

    @Autowired
    protected JdbcClient jdbc;

    protected Http http;

    /** The management port's client. */
    protected Http management;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.rosterProperties().forEach((k, v) -> registry.add(k, () -> v));
    }

    @BeforeEach
    void cleanDatabaseAndConnect() {
        emptyTables();
        http = new Http("http://127.0.0.1:" + port);
        management = new Http("http://127.0.0.1:" + managementPort);
    }

    /**
     * Empties the tables tests write. The application's background work (member-count compaction, sync, session
     * cleanup) may hold a row lock on one of them while it waits for another, and TRUNCATE takes its locks one table
     * at a time, so PostgreSQL may pick the TRUNCATE as a deadlock's victim: it is then simply tried again.
     */
    private void emptyTables() {
        for (int attempt = 1; ; attempt++) {
            try {
                jdbc.sql(
                                "TRUNCATE users, sessions, refresh_tokens, refresh_token_successors, memberships, member_counts, member_count_deltas, audit_log, grants, outbox, webhook_subscriptions, webhook_sources, inbound_events, inbound_facts, scim_clients CASCADE")
                        .update();
                jdbc.sql("DELETE FROM tenants WHERE id <> '00000000-0000-0000-0000-000000000000'")
                        .update();
                // The deprovisioning guard another test shut.
                jdbc.sql("UPDATE sync_guards SET tripped_until = NULL").update();
                // The directory's global roles (inbound role.* events), and every node's list of them.
                if (jdbc.sql("DELETE FROM roles WHERE external_id IS NOT NULL").update() > 0) {
                    jdbc.sql("SELECT pg_notify('roster_invalidation', 'global-roles:reset')")
                            .query()
                            .singleValue();
                }
                return;
            } catch (org.springframework.dao.PessimisticLockingFailureException deadlock) {
                if (attempt == 5) {
                    throw deadlock;
                }
            }
        }
    }

    /**
     * As if the refresh-token reuse grace window (10 s) had passed since every rotation so far: a used token presented
     * again now counts as a reuse.
     */
    protected void pastTheRefreshReuseGrace() {
        jdbc.sql("UPDATE refresh_tokens SET used_at = used_at - interval '1 minute' WHERE used_at IS NOT NULL")
                .update();
        jdbc.sql("UPDATE refresh_token_successors SET sealed_at = sealed_at - interval '1 minute'")
                .update();
    }

    /** PostgreSQL's plan for {@code sql} (parameters already written in), one line per node. */
    protected String explain(String sql) {
        return String.join("\n", jdbc.sql("EXPLAIN " + sql).query(String.class).list());
    }

    /**
     * Starts another Roster node on the same database and upstream as this test's (any free ports), with
     * {@code extra} settings on top; the caller closes it.
     */
    protected static org.springframework.context.ConfigurableApplicationContext startAnotherNode(
            Map<String, String> extra) {
        var properties = new java.util.HashMap<String, Object>(TestInfrastructure.rosterProperties());
        properties.putAll(extra);
        properties.put("ROSTER_PORT", "0"); // application.yaml reads server.port from it
        return new org.springframework.boot.builder.SpringApplicationBuilder(dev.roster.RosterApplication.class)
                .properties(properties)
                .run();
    }

    /** A client of {@code node}'s API port. */
    protected static Http httpOf(org.springframework.context.ConfigurableApplicationContext node) {
        return new Http("http://127.0.0.1:" + node.getEnvironment().getProperty("local.server.port"));
    }

    /**
     * 100 tenants {@code plan-1…100} of 1,000 grants each, vacuumed and analysed as autovacuum leaves them; the id of
     * {@code plan-7}. For the plan tests of the grant reads.
     */
    protected UUID hundredThousandGrants() {
        jdbc.sql("""
                INSERT INTO tenants (id, slug, name)
                SELECT gen_random_uuid(), 'plan-' || i, 'Plan ' || i FROM generate_series(1, 100) i
                """).update();
        jdbc.sql("""
                INSERT INTO grants (id, tenant_id, principal_urn, permission, selector)
                SELECT gen_random_uuid(), t.id, 'user:' || gen_random_uuid(), 'docs:read', 'docs/' || i
                FROM tenants t, generate_series(1, 1000) i WHERE t.slug LIKE 'plan-%'
                """).update();
        jdbc.sql("VACUUM ANALYZE grants, tenants").update();
        return jdbc.sql("SELECT id FROM tenants WHERE slug = 'plan-7'")
                .query(UUID.class)
                .single();
    }

    /** An ID token from the upstream OIDC provider, for Roster's audience. */
    protected static String upstreamToken(String subject, String email, Map<String, Object> extraClaims) {
        var claims = new java.util.HashMap<String, Object>(Map.of("email", email, "name", "Test " + subject));
        claims.putAll(extraClaims);
        return TestInfrastructure.idp()
                .issueToken(TestInfrastructure.ISSUER_ID, subject, TestInfrastructure.AUDIENCE, claims, 300)
                .serialize();
    }

    protected static Map<String, Object> roles(Object... roleTenantPairs) {
        var list = new java.util.ArrayList<Map<String, Object>>();
        for (int i = 0; i < roleTenantPairs.length; i += 2) {
            list.add(Map.of("role", roleTenantPairs[i], "tenant", roleTenantPairs[i + 1]));
        }
        return Map.of(TestInfrastructure.ROLES_CLAIM, List.copyOf(list));
    }

    protected Http.Response exchange(String subjectToken) {
        return http.postForm(
                "/v1/auth/token",
                Http.form(
                        "grant_type", TOKEN_EXCHANGE,
                        "subject_token_type", ID_TOKEN_TYPE,
                        "subject_token", subjectToken));
    }

    /** Signs in through the token exchange and returns the token response, asserting it succeeded. */
    protected JsonNode signIn(String subject, String email, Map<String, Object> extraClaims) {
        Http.Response response = exchange(upstreamToken(subject, email, extraClaims));
        if (response.status() != 200) {
            throw new AssertionError("sign-in failed: " + response.status() + " " + response.body());
        }
        return response.json();
    }

    protected JsonNode signIn(String subject, String email) {
        return signIn(subject, email, Map.of());
    }

    /** The access token of a signed-in user. */
    protected String accessToken(String subject, String email, Map<String, Object> extraClaims) {
        return signIn(subject, email, extraClaims).path("access_token").asString();
    }

    /**
     * Signs in the bootstrap admin (a platform admin, through {@code ROSTER_BOOTSTRAP_ADMINS} and a verified address)
     * and returns their access token.
     */
    protected String signInAsPlatformAdmin() {
        return accessToken("root-admin", TestInfrastructure.ADMIN_EMAIL, Map.of("email_verified", true));
    }

    protected String userId(String email) {
        return jdbc.sql("SELECT id::text FROM users WHERE email = :email")
                .param("email", email)
                .query(String.class)
                .single();
    }

    protected String tenantIdByExternalId(String externalId) {
        return jdbc.sql("SELECT id::text FROM tenants WHERE external_id = :e")
                .param("e", externalId)
                .query(String.class)
                .single();
    }

    /** Creates a tenant through the admin API (as {@code adminToken}) and returns its id. */
    protected String createTenant(String adminToken, String slug) {
        Http.Response response = http.postJson(
                "/v1/tenants", adminToken, "{\"slug\":\"" + slug + "\",\"name\":\"" + slug + "\"}", Map.of());
        if (response.status() != 201) {
            throw new AssertionError("tenant creation failed: " + response.status() + " " + response.body());
        }
        return response.json().path("id").asString();
    }

    /** A service account as its creation answered it: its id (a user id), client id and the secret shown once. */
    public record ServiceAccountCredentials(String id, String clientId, String clientSecret) {}

    /** Creates a service account through the admin API (as {@code adminToken}). */
    protected ServiceAccountCredentials createServiceAccount(String adminToken, String name) {
        Http.Response response =
                http.postJson("/v1/service-accounts", adminToken, "{\"name\":\"" + name + "\"}", Map.of());
        if (response.status() != 201) {
            throw new AssertionError("service account creation failed: " + response.status() + " " + response.body());
        }
        JsonNode body = response.json();
        return new ServiceAccountCredentials(
                body.path("id").asString(),
                body.path("client_id").asString(),
                body.path("client_secret").asString());
    }

    /** The client-credentials grant with HTTP Basic client authentication (RFC 6749 §2.3.1). */
    protected Http.Response clientCredentials(String clientId, String clientSecret) {
        String basic = java.util.Base64.getEncoder()
                .encodeToString((java.net.URLEncoder.encode(clientId, java.nio.charset.StandardCharsets.UTF_8) + ":"
                                + java.net.URLEncoder.encode(clientSecret, java.nio.charset.StandardCharsets.UTF_8))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return http.send(http.request("/v1/auth/token", null)
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
    }

    /** A service account's access token, asserting the grant succeeded. */
    protected String serviceAccountToken(ServiceAccountCredentials account) {
        Http.Response response = clientCredentials(account.clientId(), account.clientSecret());
        if (response.status() != 200) {
            throw new AssertionError("client credentials failed: " + response.status() + " " + response.body());
        }
        return response.json().path("access_token").asString();
    }

    /** Assigns a role through the admin API and returns the answer. */
    protected Http.Response assign(String token, String tenantId, String userId, String role) {
        return http.putJson("/v1/tenants/" + tenantId + "/members/" + userId, token, "{\"role\":\"" + role + "\"}");
    }
}
