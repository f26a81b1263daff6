package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import dev.roster.support.TestInfrastructure;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/** Every admin mutation leaves exactly one audit row; {@code GET /v1/audit} reads them back. */
class AuditTests extends AdminApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    String admin;
    String adminId;
    String tenant;

    @BeforeEach
    void aTenant() {
        admin = signInAsPlatformAdmin();
        adminId = userId(TestInfrastructure.ADMIN_EMAIL);
        tenant = createTenant(admin, "acme");
    }

    /** One audit row as stored. */
    record Row(
            String actor,
            String action,
            String target,
            @Nullable String tenantId,
            @Nullable String requestId,
            JsonNode before,
            JsonNode after) {}

    List<Row> rowsAfter(long id) {
        return jdbc.sql(
                        "SELECT actor, action, target, tenant_id::text AS tenant_id, request_id, before::text AS before,"
                                + " after::text AS after FROM audit_log WHERE id > :id ORDER BY id")
                .param("id", id)
                .query((rs, i) -> new Row(
                        rs.getString("actor"),
                        rs.getString("action"),
                        rs.getString("target"),
                        rs.getString("tenant_id"),
                        rs.getString("request_id"),
                        rs.getString("before") == null
                                ? MissingNode.getInstance()
                                : JSON.readTree(rs.getString("before")),
                        rs.getString("after") == null
                                ? MissingNode.getInstance()
                                : JSON.readTree(rs.getString("after"))))
                .list();
    }

    /**
     * Asserts that {@code response} succeeded and wrote exactly one audit row since {@code lastId}, made by
     * {@code actorId}, naming the request id the response carried; returns the row.
     */
    Row theOneRow(
            Http.Response response,
            long lastId,
            String actorId,
            String action,
            String target,
            @Nullable String tenantId) {
        assertThat(response.status()).as(response.body()).isBetween(200, 201);
        List<Row> rows = rowsAfter(lastId);
        assertThat(rows).hasSize(1);
        Row row = rows.getFirst();
        assertThat(row.actor()).isEqualTo("user:" + actorId);
        assertThat(row.action()).isEqualTo(action);
        assertThat(row.target()).isEqualTo(target);
        assertThat(row.tenantId()).isEqualTo(tenantId);
        assertThat(response.header("X-Request-Id")).isNotBlank();
        assertThat(row.requestId()).isEqualTo(response.header("X-Request-Id"));
        return row;
    }

    // ---- one row per mutation

    @Test
    void creatingATenantWritesOneRow() {
        long last = lastAuditId();

        Http.Response created = postJson("/v1/tenants", admin, "{\"slug\":\"globex\",\"name\":\"Globex\"}");

        String id = created.json().path("id").asString();
        Row row = theOneRow(created, last, adminId, "tenant.created", "tenant:" + id, id);
        assertThat(row.before().isMissingNode()).isTrue();
        assertThat(row.after().path("slug").asString()).isEqualTo("globex");
        assertThat(row.after().path("name").asString()).isEqualTo("Globex");
    }

    @Test
    void changingATenantWritesOneRowWithBeforeAndAfter() {
        User tenantAdmin = member(admin, tenant, "ta", "tenant_admin");
        long last = lastAuditId();

        Http.Response changed = http.patchJson("/v1/tenants/" + tenant, tenantAdmin.token(), "{\"name\":\"Acme Inc\"}");

        Row row = theOneRow(changed, last, tenantAdmin.id(), "tenant.updated", "tenant:" + tenant, tenant);
        assertThat(row.before().path("name").asString()).isEqualTo("acme");
        assertThat(row.after().path("name").asString()).isEqualTo("Acme Inc");
    }

    @Test
    void deletingATenantWritesOneRow() {
        long last = lastAuditId();

        Http.Response deleted = http.delete("/v1/tenants/" + tenant, admin);

        Row row = theOneRow(deleted, last, adminId, "tenant.deleted", "tenant:" + tenant, tenant);
        assertThat(row.before().path("slug").asString()).isEqualTo("acme");
        assertThat(row.after().isMissingNode()).isTrue();
    }

    @Test
    void creatingChangingAndDeletingARoleWriteOneRowEach() {
        User tenantAdmin = member(admin, tenant, "ta", "tenant_admin");
        long last = lastAuditId();

        Http.Response created = postJson(
                "/v1/tenants/" + tenant + "/roles",
                tenantAdmin.token(),
                "{\"slug\":\"auditor\",\"name\":\"Auditor\",\"priority\":150}");
        String id = created.json().path("id").asString();
        String urn = "role:tenant:" + id;
        Row creation = theOneRow(created, last, tenantAdmin.id(), "role.created", urn, tenant);
        assertThat(creation.after().path("slug").asString()).isEqualTo("auditor");
        assertThat(creation.before().isMissingNode()).isTrue();

        last = lastAuditId();
        Http.Response changed = http.patchJson(
                "/v1/tenants/" + tenant + "/roles/" + id, tenantAdmin.token(), "{\"name\":\"Auditors\"}");
        Row change = theOneRow(changed, last, tenantAdmin.id(), "role.updated", urn, tenant);
        assertThat(change.before().path("name").asString()).isEqualTo("Auditor");
        assertThat(change.after().path("name").asString()).isEqualTo("Auditors");

        last = lastAuditId();
        Http.Response deleted = http.delete("/v1/tenants/" + tenant + "/roles/" + id, tenantAdmin.token());
        Row deletion = theOneRow(deleted, last, tenantAdmin.id(), "role.deleted", urn, tenant);
        assertThat(deletion.before().path("name").asString()).isEqualTo("Auditors");
        assertThat(deletion.after().isMissingNode()).isTrue();
    }

    @Test
    void assigningChangingAndRevokingAMembershipWriteOneRowEach() {
        User tenantAdmin = member(admin, tenant, "ta", "tenant_admin");
        User user = signUp("member");
        String target = "membership:" + user.id() + ":" + tenant;

        long last = lastAuditId();
        Row assigned = theOneRow(
                assign(tenantAdmin.token(), tenant, user.id(), "developer"),
                last,
                tenantAdmin.id(),
                "membership.assigned",
                target,
                tenant);
        assertThat(assigned.before().isMissingNode()).isTrue();
        assertThat(assigned.after().path("role").asString()).isEqualTo("developer");
        assertThat(assigned.after().path("role_id").asString()).isEqualTo(DEVELOPER_ID);
        assertThat(assigned.after().path("source").asString()).isEqualTo("local");

        last = lastAuditId();
        Row changed = theOneRow(
                assign(tenantAdmin.token(), tenant, user.id(), "viewer"),
                last,
                tenantAdmin.id(),
                "membership.changed",
                target,
                tenant);
        assertThat(changed.before().path("role_id").asString()).isEqualTo(DEVELOPER_ID);
        assertThat(changed.after().path("role_id").asString()).isEqualTo(VIEWER_ID);
        assertThat(changed.after().path("role").asString()).isEqualTo("viewer");

        last = lastAuditId();
        Row revoked = theOneRow(
                http.delete("/v1/tenants/" + tenant + "/members/" + user.id(), tenantAdmin.token()),
                last,
                tenantAdmin.id(),
                "membership.revoked",
                target,
                tenant);
        assertThat(revoked.before().path("role_id").asString()).isEqualTo(VIEWER_ID);
        assertThat(revoked.after().isMissingNode()).isTrue();
    }

    @Test
    void deactivatingAndReactivatingAUserWriteOneRowEach() {
        User user = signUp("leaver");

        long last = lastAuditId();
        Row deactivated = theOneRow(
                http.post("/v1/users/" + user.id() + ":deactivate", admin),
                last,
                adminId,
                "user.deactivated",
                "user:" + user.id(),
                null);
        assertThat(deactivated.before().path("is_active").asBoolean()).isTrue();
        assertThat(deactivated.after().path("is_active").asBoolean()).isFalse();

        last = lastAuditId();
        Row reactivated = theOneRow(
                http.post("/v1/users/" + user.id() + ":reactivate", admin),
                last,
                adminId,
                "user.reactivated",
                "user:" + user.id(),
                null);
        assertThat(reactivated.before().path("is_active").asBoolean()).isFalse();
        assertThat(reactivated.after().path("is_active").asBoolean()).isTrue();
    }

    @Test
    void theRequestIdTheClientSentIsTheOneRecorded() {
        User user = signUp("member");
        long last = lastAuditId();

        Http.Response assigned = http.send(http.request("/v1/tenants/" + tenant + "/members/" + user.id(), admin)
                .header("Content-Type", "application/json")
                .header("X-Request-Id", "change-4711")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"role\":\"viewer\"}")));

        assertThat(assigned.header("X-Request-Id")).isEqualTo("change-4711");
        assertThat(theOneRow(
                                assigned,
                                last,
                                adminId,
                                "membership.assigned",
                                "membership:" + user.id() + ":" + tenant,
                                tenant)
                        .requestId())
                .isEqualTo("change-4711");
    }

    @Test
    void aChangeThatChangesNothingWritesNoRow() {
        User user = member(admin, tenant, "member", "viewer");
        long last = lastAuditId();

        assertThat(assign(admin, tenant, user.id(), "viewer").status()).isEqualTo(200);
        assertThat(http.patchJson("/v1/tenants/" + tenant, admin, "{\"name\":\"acme\"}")
                        .status())
                .isEqualTo(200);

        assertThat(rowsAfter(last)).isEmpty();
    }

    // ---- refused changes write nothing

    @Test
    void aRefusedTenantCreationWritesNoRow() {
        long last = lastAuditId();

        assertProblem(postJson("/v1/tenants", admin, "{\"slug\":\"acme\",\"name\":\"Again\"}"), 409, "slug_taken");

        assertThat(rowsAfter(last)).isEmpty();
    }

    @Test
    void aRefusedRoleDeletionWritesNoRow() {
        String id = postJson(
                        "/v1/tenants/" + tenant + "/roles",
                        admin,
                        "{\"slug\":\"auditor\",\"name\":\"A\",\"priority\":1}")
                .json()
                .path("id")
                .asString();
        member(admin, tenant, "holder", "auditor");
        long last = lastAuditId();

        assertProblem(http.delete("/v1/tenants/" + tenant + "/roles/" + id, admin), 409, "role_in_use");

        assertThat(rowsAfter(last)).isEmpty();
    }

    @Test
    void refusalsToRemoveTheLastPlatformAdminWriteNoRow() {
        long last = lastAuditId();

        assertProblem(http.post("/v1/users/" + adminId + ":deactivate", admin), 409, "last_platform_admin");
        assertProblem(http.delete("/v1/tenants/" + ROOT + "/members/" + adminId, admin), 409, "last_platform_admin");
        assertProblem(assign(admin, ROOT, adminId, "viewer"), 409, "last_platform_admin");

        assertThat(rowsAfter(last)).isEmpty();
    }

    @Test
    void aStaleConditionalChangeWritesNoRow() {
        String etag = http.get("/v1/tenants/" + tenant, admin).header("ETag");
        http.patchJson("/v1/tenants/" + tenant, admin, "{\"name\":\"First\"}");
        long last = lastAuditId();

        assertProblem(
                patchIfMatch("/v1/tenants/" + tenant, admin, "{\"name\":\"Second\"}", etag), 412, "version_conflict");

        assertThat(rowsAfter(last)).isEmpty();
    }

    @Test
    void aChangeRefusedForLackOfRoleWritesNoRow() {
        User tenantAdmin = member(admin, tenant, "ta", "tenant_admin");
        User user = signUp("climber");
        long last = lastAuditId();

        assertProblem(assign(tenantAdmin.token(), tenant, user.id(), "super_admin"), 403, "role_required");
        assertProblem(
                http.patchJson("/v1/tenants/" + tenant, tenantAdmin.token(), "{\"slug\":\"mine\"}"),
                403,
                "role_required");

        assertThat(rowsAfter(last)).isEmpty();
    }

    // ---- reading the log

    List<JsonNode> entries(Http.Response page) {
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        var out = new ArrayList<JsonNode>();
        page.json().path("items").forEach(out::add);
        return out;
    }

    record History(String other, User tenantAdmin, User a) {}

    /** A little history in two tenants, by two actors. */
    History history() {
        String other = createTenant(admin, "other");
        User tenantAdmin = member(admin, tenant, "ta", "tenant_admin");
        User a = signUp("a");
        User b = signUp("b");
        assign(tenantAdmin.token(), tenant, a.id(), "developer");
        assign(tenantAdmin.token(), tenant, a.id(), "viewer");
        assign(admin, other, b.id(), "operator");
        http.patchJson("/v1/tenants/" + other, admin, "{\"name\":\"Other Inc\"}");
        http.post("/v1/users/" + b.id() + ":deactivate", admin);
        return new History(other, tenantAdmin, a);
    }

    @Test
    void aPlatformAdminReadsEveryEntryWithAnExactTotal() {
        history();

        Http.Response page = http.get("/v1/audit?limit=200", admin);

        assertThat(entries(page)).hasSize((int) auditRows());
        assertThat(page.json().path("total").asLong()).isEqualTo(auditRows());
    }

    @Test
    void filtersNarrowTheLogToExactlyTheMatchingEntries() {
        History history = history();
        String other = history.other();
        String a = history.a().id();
        String ta = history.tenantAdmin().id();

        Map<String, String> filters = Map.of(
                "target=" + enc("membership:" + a + ":" + tenant),
                "target = 'membership:" + a + ":" + tenant + "'",
                "actor=" + enc("user:" + ta),
                "actor = 'user:" + ta + "'",
                "action=membership.changed",
                "action = 'membership.changed'",
                "tenant_id=" + other,
                "tenant_id = '" + other + "'",
                "action=membership.assigned&tenant_id=" + tenant,
                "action = 'membership.assigned' AND tenant_id = '" + tenant + "'");
        for (var filter : filters.entrySet()) {
            long expected = count("SELECT count(*) FROM audit_log WHERE " + filter.getValue());
            assertThat(expected).as(filter.getKey()).isPositive();

            Http.Response page = http.get("/v1/audit?" + filter.getKey(), admin);

            assertThat(page.json().path("total").asLong()).as(filter.getKey()).isEqualTo(expected);
            assertThat(entries(page)).as(filter.getKey()).hasSize((int) expected);
        }
        assertThat(entries(http.get("/v1/audit?action=membership.changed", admin)))
                .singleElement()
                .satisfies(e -> assertThat(e.path("target").asString()).isEqualTo("membership:" + a + ":" + tenant));
    }

    @Test
    void pagesWalkTheLogNewestFirstWithEachEntryOnce() {
        history();
        List<Long> stored = jdbc.sql("SELECT id FROM audit_log ORDER BY id DESC")
                .query(Long.class)
                .list();

        List<String> seen = walk("/v1/audit", admin, 2, "id");

        assertThat(seen.stream().map(Long::parseLong).toList()).containsExactlyElementsOf(stored);
        assertThat(new HashSet<>(seen)).hasSameSizeAs(seen);
    }

    @Test
    void theNewestEntryComesFirstAndCarriesItsFields() {
        User user = signUp("member");
        Http.Response assigned = assign(admin, tenant, user.id(), "developer");

        JsonNode newest = entries(http.get("/v1/audit?limit=1", admin)).getFirst();

        assertThat(newest.path("action").asString()).isEqualTo("membership.assigned");
        assertThat(newest.path("actor").asString()).isEqualTo("user:" + adminId);
        assertThat(newest.path("tenant_id").asString()).isEqualTo(tenant);
        assertThat(newest.path("request_id").asString()).isEqualTo(assigned.header("X-Request-Id"));
        assertThat(newest.path("after").path("role").asString()).isEqualTo("developer");
        assertThat(newest.path("before").isNull()).isTrue();
    }

    @Test
    void aTenantAdminReadsOnlyTheirTenantsEntries() {
        History history = history();
        String other = history.other();
        User tenantAdmin = history.tenantAdmin();

        Http.Response page = http.get("/v1/audit?limit=200", tenantAdmin.token());

        long expected = count("SELECT count(*) FROM audit_log WHERE tenant_id = '" + tenant + "'");
        assertThat(entries(page))
                .hasSize((int) expected)
                .allSatisfy(e -> assertThat(e.path("tenant_id").asString()).isEqualTo(tenant));
        assertThat(page.json().path("total").asLong()).isEqualTo(expected);
        assertProblem(http.get("/v1/audit?tenant_id=" + other, tenantAdmin.token()), 404, "tenant_not_found");
        assertThat(entries(http.get("/v1/audit?action=user.deactivated", tenantAdmin.token())))
                .isEmpty();
    }

    @Test
    void aViewerCannotReadTheLog() {
        User viewer = member(admin, tenant, "viewer-1", "viewer");

        assertProblem(http.get("/v1/audit", viewer.token()), 403, "role_required");
        assertProblem(http.get("/v1/audit?tenant_id=" + tenant, viewer.token()), 403, "role_required");
    }
}
