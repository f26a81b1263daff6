package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.grants.SystemGrants;
import dev.roster.support.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code POST /v1/tenants/{id}/rbac:enable} and {@code :disable}: seeding the system grants, preflight, undoing. */
class RbacEnableTests extends AdminApiTest {

    String admin;
    String tenant;
    User alice;

    @BeforeEach
    void tenantWithADeveloper() {
        admin = signInAsPlatformAdmin();
        tenant = createTenant(admin, "acme");
        alice = member(admin, tenant, "alice", "developer");
    }

    Http.Response enable(String token, String tenantId) {
        return http.post("/v1/tenants/" + tenantId + "/rbac:enable", token);
    }

    Http.Response disable(String token, String tenantId) {
        return http.post("/v1/tenants/" + tenantId + "/rbac:disable", token);
    }

    /** The tenant's grants as "principal permission selector created_by". */
    Set<String> grantRows(String tenantId) {
        return new HashSet<>(jdbc.sql("SELECT principal_urn || ' ' || permission || ' ' || selector || ' '"
                        + " || coalesce(created_by, '') FROM grants WHERE tenant_id = CAST(:t AS uuid)")
                .param("t", tenantId)
                .query(String.class)
                .list());
    }

    static Set<String> tableRows() {
        var rows = new HashSet<String>();
        for (var role : SystemGrants.TABLE) {
            for (String permission : role.permissions()) {
                rows.add(role.principal() + " " + permission + " * " + SystemGrants.CREATED_BY);
            }
        }
        return rows;
    }

    boolean rbacEnabled(String tenantId) {
        return jdbc.sql("SELECT rbac_enabled FROM tenants WHERE id = CAST(:t AS uuid)")
                .param("t", tenantId)
                .query(Boolean.class)
                .single();
    }

    @Test
    void enableSeedsExactlyTheTableAndADeveloperIsAllowedBySystemGrant() {
        Http.Response enabled = enable(admin, tenant);

        assertThat(enabled.status()).as(enabled.body()).isEqualTo(200);
        JsonNode body = enabled.json();
        assertThat(body.path("tenant_id").asString()).isEqualTo(tenant);
        assertThat(body.path("rbac_enabled").asBoolean()).isTrue();
        assertThat(http.get("/v1/tenants/" + tenant, admin)
                        .json()
                        .path("rbac_enabled")
                        .asBoolean())
                .isTrue();
        assertThat(body.path("seeded").asInt()).isEqualTo(SystemGrants.size()).isEqualTo(27);
        assertThat(body.path("version").asLong()).isPositive();
        assertThat(grantRows(tenant)).isEqualTo(tableRows());
        assertThat(count("SELECT count(*) FROM grants WHERE version <> "
                        + body.path("version").asLong()))
                .isZero();
        assertThat(rbacEnabled(tenant)).isTrue();
        assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'tenant.rbac_enabled' AND target = 'tenant:"
                        + tenant + "' AND (after->>'seeded')::int = 27"))
                .isEqualTo(1);

        Http.Response allowed = postJson(
                "/v1/authz/check",
                alice.token(),
                "{\"tenant_id\":\"" + tenant + "\",\"permission\":\"app:write\",\"resource\":\"anything\"}");
        assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
        assertThat(allowed.json().path("allowed").asBoolean()).isTrue();
        JsonNode reason = allowed.json().path("reason");
        assertThat(reason.path("code").asString()).isEqualTo("grant");
        assertThat(reason.path("grant").path("principal").asString()).isEqualTo("role:global:" + DEVELOPER_ID);
        assertThat(reason.path("grant").path("permission").asString()).isEqualTo("app:write");
        assertThat(reason.path("grant").path("selector").asString()).isEqualTo("*");

        Http.Response denied = postJson(
                "/v1/authz/check",
                alice.token(),
                "{\"tenant_id\":\"" + tenant + "\",\"permission\":\"grants:write\",\"resource\":\"x\"}");
        assertThat(denied.json().path("allowed").asBoolean()).as(denied.body()).isFalse();
    }

    @Test
    void enableTwiceChangesNothingTheSecondTime() {
        assertThat(enable(admin, tenant).status()).isEqualTo(200);
        long audits = auditRows();
        Set<String> ids = new HashSet<>(
                jdbc.sql("SELECT id::text FROM grants").query(String.class).list());

        Http.Response again = enable(admin, tenant);

        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("seeded").asInt()).isZero();
        assertThat(again.json().path("rbac_enabled").asBoolean()).isTrue();
        assertThat(new HashSet<>(jdbc.sql("SELECT id::text FROM grants")
                        .query(String.class)
                        .list()))
                .isEqualTo(ids);
        assertThat(auditRows()).isEqualTo(audits);
    }

    @Test
    void concurrentEnablesSeedTheTableOnce() throws Exception {
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            var answers = new ArrayList<java.util.concurrent.Future<Http.Response>>();
            for (int i = 0; i < 4; i++) {
                answers.add(pool.submit(() -> enable(admin, tenant)));
            }
            int seeded = 0;
            for (var answer : answers) {
                Http.Response response = answer.get();
                assertThat(response.status()).as(response.body()).isEqualTo(200);
                seeded += response.json().path("seeded").asInt();
            }
            assertThat(seeded).isEqualTo(SystemGrants.size());
        }
        assertThat(grantRows(tenant)).isEqualTo(tableRows());
        assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'tenant.rbac_enabled'"))
                .isEqualTo(1);
    }

    @Test
    void enableReseedsASystemGrantAnAdminDeleted() {
        assertThat(enable(admin, tenant).status()).isEqualTo(200);
        jdbc.sql("DELETE FROM grants WHERE permission = 'app:read' AND principal_urn = :p")
                .param("p", "role:global:" + VIEWER_ID)
                .update();

        Http.Response again = enable(admin, tenant);

        assertThat(again.json().path("seeded").asInt()).as(again.body()).isEqualTo(1);
        assertThat(grantRows(tenant)).isEqualTo(tableRows());
    }

    @Test
    void aMissingBuiltInRoleFailsThePreflightAndNothingChanges() {
        Map<String, Object> viewer = jdbc.sql("SELECT slug, name, priority FROM roles WHERE id = CAST(:id AS uuid)")
                .param("id", VIEWER_ID)
                .query()
                .singleRow();
        jdbc.sql("DELETE FROM roles WHERE id = CAST(:id AS uuid)")
                .param("id", VIEWER_ID)
                .update();
        try {
            long audits = auditRows();

            Http.Response refused = enable(admin, tenant);

            assertProblem(refused, 409, "rbac_preflight_failed");
            assertThat(refused.json().path("detail").asString())
                    .contains("viewer")
                    .contains(VIEWER_ID);
            assertThat(count("SELECT count(*) FROM grants")).isZero();
            assertThat(rbacEnabled(tenant)).isFalse();
            assertThat(auditRows()).isEqualTo(audits);
        } finally {
            jdbc.sql("INSERT INTO roles (id, tenant_id, slug, name, priority)"
                            + " VALUES (CAST(:id AS uuid), NULL, :slug, :name, :priority)")
                    .param("id", VIEWER_ID)
                    .param("slug", viewer.get("slug"))
                    .param("name", viewer.get("name"))
                    .param("priority", viewer.get("priority"))
                    .update();
        }
        assertThat(enable(admin, tenant).status()).isEqualTo(200);
    }

    @Test
    void disableRemovesOnlyTheSeededGrants() {
        // An admin's own grants: one of its own, and one that is also a system grant, added before the seeding.
        String own = grant("user:" + alice.id(), "docs:read");
        String sameAsSystem = grant("role:global:" + DEVELOPER_ID, "app:read");
        Http.Response enabled = enable(admin, tenant);
        assertThat(enabled.json().path("seeded").asInt()).isEqualTo(SystemGrants.size() - 1);

        Http.Response disabled = disable(admin, tenant);

        assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
        assertThat(disabled.json().path("tenant_id").asString()).isEqualTo(tenant);
        assertThat(disabled.json().path("rbac_enabled").asBoolean()).isFalse();
        assertThat(disabled.json().path("removed").asInt()).isEqualTo(SystemGrants.size() - 1);
        assertThat(disabled.json().path("version").asLong())
                .isGreaterThan(enabled.json().path("version").asLong());
        assertThat(jdbc.sql("SELECT id::text FROM grants").query(String.class).list())
                .containsExactlyInAnyOrder(own, sameAsSystem);
        assertThat(rbacEnabled(tenant)).isFalse();
        assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'tenant.rbac_disabled' AND target = 'tenant:"
                        + tenant + "'"))
                .isEqualTo(1);
        // The check sees it at once: the developer keeps only the admin's grant.
        Http.Response check = postJson(
                "/v1/authz/check",
                alice.token(),
                "{\"tenant_id\":\"" + tenant + "\",\"permission\":\"app:write\",\"resource\":\"x\"}");
        assertThat(check.json().path("allowed").asBoolean()).as(check.body()).isFalse();

        Http.Response again = disable(admin, tenant);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("removed").asInt()).isZero();
        assertThat(count("SELECT count(*) FROM grants")).isEqualTo(2);
    }

    @Test
    void onlyOneTenantIsSeeded() {
        String other = createTenant(admin, "other");

        assertThat(enable(admin, tenant).status()).isEqualTo(200);

        assertThat(grantRows(other)).isEmpty();
        assertThat(rbacEnabled(other)).isFalse();
    }

    @Test
    void anUnknownOrDeletedTenantIsNotFound() {
        String unknown = "00000000-0000-0000-0000-00000000beef";
        assertProblem(enable(admin, unknown), 404, "tenant_not_found");
        assertProblem(disable(admin, unknown), 404, "tenant_not_found");
        assertThat(http.delete("/v1/tenants/" + tenant, admin).status()).isEqualTo(200);
        assertProblem(enable(admin, tenant), 404, "tenant_not_found");
        assertThat(count("SELECT count(*) FROM grants")).isZero();
    }

    @Test
    void tenantAdminsMayNotEnableOrDisable() {
        User boss = member(admin, tenant, "boss", "tenant_admin");

        assertProblem(enable(boss.token(), tenant), 403, "role_required");
        assertProblem(disable(boss.token(), tenant), 403, "role_required");
        assertThat(count("SELECT count(*) FROM grants")).isZero();
    }

    /** docs/authorization.md's system-grant table is the code's table, role by role. */
    @Test
    void theDocumentedTableIsTheCodesTable() throws IOException {
        String docs = Files.readString(Path.of("docs/authorization.md"));
        int start = docs.indexOf("\n## System grants\n");
        assertThat(start).isNotNegative();
        String section = docs.substring(start, docs.indexOf("\n## ", start + 1));
        Pattern row =
                Pattern.compile("^\\| `([a-z_]+)` \\| `role:global:([0-9a-f-]+)` \\| (.*) \\|$", Pattern.MULTILINE);
        Pattern code = Pattern.compile("`([^`]+)`");
        var documented = new LinkedHashMap<String, List<String>>();
        var ids = new LinkedHashMap<String, String>();
        Matcher m = row.matcher(section);
        while (m.find()) {
            var permissions = new ArrayList<String>();
            Matcher c = code.matcher(m.group(3));
            while (c.find()) {
                permissions.add(c.group(1));
            }
            documented.put(m.group(1), permissions);
            ids.put(m.group(1), m.group(2));
        }

        assertThat(documented).isEqualTo(SystemGrants.bySlug());
        for (var role : SystemGrants.TABLE) {
            assertThat(ids.get(role.slug())).isEqualTo(role.roleId().toString());
        }
    }

    String grant(String principal, String permission) {
        Http.Response created = postJson(
                "/v1/tenants/" + tenant + "/grants",
                admin,
                "{\"principal\":\"" + principal + "\",\"permission\":\"" + permission + "\",\"selector\":\"*\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().path("id").asString();
    }
}
