package dev.roster.scim;

import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.JsonNode;

/** Base of the SCIM tests: a platform admin, SCIM clients made through the admin API, users and tenants by SQL. */
abstract class ScimTest extends IntegrationTest {

    static final String VIEWER = "00000000-0000-0000-0000-000000000105";

    protected String admin;

    @BeforeEach
    void signInAdmin() {
        admin = signInAsPlatformAdmin();
    }

    /** A SCIM client as its creation answered it: its id and the token shown once. */
    record Client(String id, String token) {}

    protected Client scimClient(String name, String... tenantIds) {
        String tenants =
                java.util.Arrays.stream(tenantIds).map(t -> "\"" + t + "\"").collect(Collectors.joining(","));
        Http.Response response = http.postJson(
                "/v1/scim-clients", admin, "{\"name\":\"" + name + "\",\"tenant_ids\":[" + tenants + "]}", Map.of());
        if (response.status() != 201) {
            throw new AssertionError("SCIM client creation failed: " + response.status() + " " + response.body());
        }
        JsonNode body = response.json();
        return new Client(body.path("id").asString(), body.path("token").asString());
    }

    protected String tenant(String slug) {
        return jdbc.sql("INSERT INTO tenants (id, slug, name) VALUES (gen_random_uuid(), :s, :s) RETURNING id::text")
                .param("s", slug)
                .query(String.class)
                .single();
    }

    /** A user with {@code email} and the given columns (test-chosen names), member of {@code tenants} as viewer. */
    protected String user(String email, Map<String, Object> columns, String... tenants) {
        var all = new LinkedHashMap<String, Object>();
        all.put("id", UUID.randomUUID());
        all.put("provider", "https://idp.example.com");
        all.put("external_id", "ext-" + email);
        all.put("email", email);
        all.putAll(columns);
        String names = String.join(", ", all.keySet());
        String values = all.keySet().stream().map(k -> ":" + k).collect(Collectors.joining(", "));
        var statement = jdbc.sql("INSERT INTO users (" + names + ") VALUES (" + values + ")");
        for (var e : all.entrySet()) {
            statement = statement.param(e.getKey(), e.getValue());
        }
        statement.update();
        String id = all.get("id").toString();
        for (String tenant : tenants) {
            member(id, tenant);
        }
        return id;
    }

    protected void member(String user, String tenant) {
        member(user, tenant, VIEWER);
    }

    protected void member(String user, String tenant, String role) {
        jdbc.sql("INSERT INTO memberships (user_id, tenant_id, role_id) VALUES (CAST(:u AS uuid), CAST(:t AS uuid),"
                        + " CAST(:r AS uuid))")
                .param("u", user)
                .param("t", tenant)
                .param("r", role)
                .update();
    }

    protected Http.Response scim(String token, String path) {
        return http.get("/scim/v2" + path, token);
    }

    protected static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
