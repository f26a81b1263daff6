package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/** What the admin API tests share: users made by signing in, problem assertions, page walks and row counts. */
abstract class AdminApiTest extends IntegrationTest {

    static final String ROOT = "00000000-0000-0000-0000-000000000000";
    static final String SUPER_ADMIN_ID = "00000000-0000-0000-0000-000000000101";
    static final String TENANT_ADMIN_ID = "00000000-0000-0000-0000-000000000102";
    static final String DEVELOPER_ID = "00000000-0000-0000-0000-000000000104";
    static final String VIEWER_ID = "00000000-0000-0000-0000-000000000105";

    /** A signed-in user: their id, address and a live access token. */
    record User(String id, String email, String token) {}

    /** Signs {@code name} in (as {@code name@example.com}) and returns them. */
    User signUp(String name) {
        return signUp(name, Map.of());
    }

    User signUp(String name, Map<String, Object> claims) {
        String email = name + "@example.com";
        String token = accessToken(name, email, claims);
        return new User(userId(email), email, token);
    }

    /** A new user holding {@code role} in the tenant, assigned through the API by {@code adminToken}. */
    User member(String adminToken, String tenantId, String name, String role) {
        User user = signUp(name);
        Http.Response assigned = assign(adminToken, tenantId, user.id(), role);
        assertThat(assigned.status()).as(assigned.body()).isEqualTo(201);
        return user;
    }

    /** A user row written straight to the database: for bulk data that needs no token. */
    String insertUser(String email) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("INSERT INTO users (id, provider, external_id, email) VALUES (CAST(:id AS uuid), 'sql', :id, :email)")
                .param("id", id)
                .param("email", email)
                .update();
        return id;
    }

    void insertMembership(String userId, String tenantId, String roleId) {
        jdbc.sql("INSERT INTO memberships (user_id, tenant_id, role_id, source)"
                        + " VALUES (CAST(:u AS uuid), CAST(:t AS uuid), CAST(:r AS uuid), 'local')")
                .param("u", userId)
                .param("t", tenantId)
                .param("r", roleId)
                .update();
    }

    /** An RFC 9457 answer with this status and stable code, and nothing of the server's insides. */
    static void assertProblem(Http.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asString()).as(response.body()).isEqualTo(code);
        assertThat(response.body())
                .doesNotContain("Exception")
                .doesNotContain("java.")
                .doesNotContain("SQL");
    }

    long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    long auditRows() {
        return count("SELECT count(*) FROM audit_log");
    }

    long lastAuditId() {
        return count("SELECT coalesce(max(id), 0) FROM audit_log");
    }

    Http.Response get(String path, String token, Map<String, String> headers) {
        var request = http.request(path, token);
        headers.forEach(request::header);
        return http.send(request.GET());
    }

    Http.Response postJson(String path, String token, String json) {
        return http.postJson(path, token, json, Map.of());
    }

    Http.Response patchIfMatch(String path, String token, String json, String ifMatch) {
        return http.patchJson(path, token, json, Map.of("If-Match", ifMatch));
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static List<String> values(JsonNode page, String field) {
        var out = new ArrayList<String>();
        for (JsonNode item : page.path("items")) {
            out.add(item.path(field).asString());
        }
        return out;
    }

    /** The {@code tenant_id}s of a {@code /v1/me} answer's memberships. */
    static List<String> tenantsOf(JsonNode me) {
        var out = new ArrayList<String>();
        for (JsonNode m : me.path("memberships")) {
            out.add(m.path("tenant_id").asString());
        }
        return out;
    }

    /** The membership of a {@code /v1/me} answer in that tenant, or a missing node. */
    static JsonNode membershipIn(JsonNode me, String tenantId) {
        for (JsonNode m : me.path("memberships")) {
            if (m.path("tenant_id").asString().equals(tenantId)) {
                return m;
            }
        }
        return MissingNode.getInstance();
    }

    /**
     * Walks every page of a list, {@code limit} at a time, asserting that each page is at most {@code limit} long and
     * carries the same total; returns the {@code field} of every item in the order seen.
     */
    List<String> walk(String path, String token, int limit, String field) {
        var seen = new ArrayList<String>();
        String separator = path.contains("?") ? "&" : "?";
        String cursor = null;
        Long total = null;
        for (int pages = 0; pages < 1_000; pages++) {
            String url = path + separator + "limit=" + limit + (cursor == null ? "" : "&cursor=" + enc(cursor));
            Http.Response page = http.get(url, token);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            JsonNode body = page.json();
            assertThat(body.path("items").size()).isLessThanOrEqualTo(limit);
            if (total == null) {
                total = body.path("total").asLong();
            }
            assertThat(body.path("total").asLong()).isEqualTo(total);
            seen.addAll(values(body, field));
            if (body.path("next_cursor").isNull()) {
                assertThat(seen).hasSize(total.intValue());
                return seen;
            }
            cursor = body.path("next_cursor").asString();
            assertThat(body.path("items").size()).isEqualTo(limit);
        }
        throw new AssertionError("the pages of " + path + " never ended");
    }
}
