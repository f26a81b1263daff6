package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** The five built-in roles ({@code /v1/roles}) and a tenant's own ({@code /v1/tenants/{id}/roles}). */
class RoleAdminTests extends AdminApiTest {

    String admin;
    String tenant;

    @BeforeEach
    void aTenant() {
        admin = signInAsPlatformAdmin();
        tenant = createTenant(admin, "acme");
    }

    Http.Response createRole(String token, String tenantId, String slug, String name, int priority) {
        return postJson(
                "/v1/tenants/" + tenantId + "/roles",
                token,
                "{\"slug\":\"%s\",\"name\":\"%s\",\"priority\":%d}".formatted(slug, name, priority));
    }

    String roleId(String tenantId, String slug) {
        Http.Response created = createRole(admin, tenantId, slug, "Role " + slug, 150);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().path("id").asString();
    }

    @Test
    void builtInsAreTheFiveGlobalRolesWithGlobalUrns() {
        User anyone = signUp("anyone");

        Http.Response roles = http.get("/v1/roles", anyone.token());

        assertThat(roles.status()).isEqualTo(200);
        assertThat(values(roles.json(), "slug"))
                .containsExactly("super_admin", "tenant_admin", "operator", "developer", "viewer");
        assertThat(roles.json().path("total").asLong()).isEqualTo(5);
        assertThat(roles.json().path("next_cursor").isNull()).isTrue();
        for (JsonNode role : roles.json().path("items")) {
            String id = role.path("id").asString();
            assertThat(role.path("urn").asString()).isEqualTo("role:global:" + id);
            assertThat(role.path("built_in").asBoolean()).isTrue();
            assertThat(role.path("tenant_id").isNull()).isTrue();
            assertThat(UUID.fromString(id)).isNotNull();
        }
        assertThat(values(roles.json(), "id")).contains(SUPER_ADMIN_ID, TENANT_ADMIN_ID, DEVELOPER_ID, VIEWER_ID);
    }

    @Test
    void createWhenTenantAdminThen201WithATenantUrnAndTheRow() {
        User tenantAdmin = member(admin, tenant, "ta", "tenant_admin");

        Http.Response created = createRole(tenantAdmin.token(), tenant, "auditor", "Auditor", 250);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode role = created.json();
        String id = role.path("id").asString();
        assertThat(role.path("urn").asString()).isEqualTo("role:tenant:" + id);
        assertThat(role.path("tenant_id").asString()).isEqualTo(tenant);
        assertThat(role.path("slug").asString()).isEqualTo("auditor");
        assertThat(role.path("name").asString()).isEqualTo("Auditor");
        assertThat(role.path("priority").asInt()).isEqualTo(250);
        assertThat(role.path("built_in").asBoolean()).isFalse();
        long version = role.path("version").asLong();
        assertThat(version).isPositive();
        assertThat(created.header("ETag")).isEqualTo("\"" + version + "\"");
        assertThat(count("SELECT count(*) FROM roles WHERE id = '" + id + "' AND tenant_id = '" + tenant
                        + "' AND slug = 'auditor' AND priority = 250"))
                .isEqualTo(1);
    }

    @Test
    void listAndGetShowTheTenantsOwnRolesOnly() {
        String auditor = roleId(tenant, "auditor");
        String billing = roleId(tenant, "billing");
        String other = createTenant(admin, "other");
        roleId(other, "elsewhere");
        User viewer = member(admin, tenant, "viewer-1", "viewer");

        Http.Response list = http.get("/v1/tenants/" + tenant + "/roles", viewer.token());
        Http.Response one = http.get("/v1/tenants/" + tenant + "/roles/" + auditor, viewer.token());

        assertThat(list.status()).isEqualTo(200);
        assertThat(values(list.json(), "id")).containsExactlyInAnyOrder(auditor, billing);
        assertThat(list.json().path("total").asLong()).isEqualTo(2);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().path("urn").asString()).isEqualTo("role:tenant:" + auditor);
        assertThat(one.header("ETag"))
                .isEqualTo("\"" + one.json().path("version").asLong() + "\"");
        assertProblem(http.get("/v1/tenants/" + other + "/roles", viewer.token()), 404, "tenant_not_found");
    }

    @Test
    void getWhenTheRoleBelongsToAnotherTenantOrIsBuiltInThen404RoleNotFound() {
        String other = createTenant(admin, "other");
        String elsewhere = roleId(other, "elsewhere");

        assertProblem(http.get("/v1/tenants/" + tenant + "/roles/" + elsewhere, admin), 404, "role_not_found");
        assertProblem(http.get("/v1/tenants/" + tenant + "/roles/" + DEVELOPER_ID, admin), 404, "role_not_found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"super_admin", "tenant_admin", "operator", "developer", "viewer"})
    void createWhenTheSlugIsABuiltInsThen409SlugTaken(String slug) {
        Http.Response clash = createRole(admin, tenant, slug, "Mine", 10);

        assertProblem(clash, 409, "slug_taken");
        assertThat(count("SELECT count(*) FROM roles WHERE tenant_id = '" + tenant + "'"))
                .isZero();
    }

    @Test
    void createWhenTheTenantHasTheSlugAlreadyThen409ButAnotherTenantMayUseIt() {
        roleId(tenant, "auditor");
        String other = createTenant(admin, "other");

        Http.Response clash = createRole(admin, tenant, "auditor", "Again", 10);
        Http.Response elsewhere = createRole(admin, other, "auditor", "Auditor", 10);

        assertProblem(clash, 409, "slug_taken");
        assertThat(elsewhere.status()).isEqualTo(201);
        assertThat(count("SELECT count(*) FROM roles WHERE slug = 'auditor'")).isEqualTo(2);
    }

    @Test
    void createWhenViewerThen403RoleRequired() {
        User viewer = member(admin, tenant, "viewer-1", "viewer");

        assertProblem(createRole(viewer.token(), tenant, "mine", "Mine", 10), 403, "role_required");
        assertThat(count("SELECT count(*) FROM roles WHERE tenant_id = '" + tenant + "'"))
                .isZero();
    }

    @Test
    void createWhenTheSlugOrPriorityIsOutOfRangeThen400InvalidField() {
        assertProblem(createRole(admin, tenant, "Bad Slug", "Bad", 10), 400, "invalid_field");
        assertProblem(createRole(admin, tenant, "ok", "Ok", -1), 400, "invalid_field");
        assertProblem(createRole(admin, tenant, "ok", "Ok", 1001), 400, "invalid_field");
        assertThat(count("SELECT count(*) FROM roles WHERE tenant_id = '" + tenant + "'"))
                .isZero();
    }

    @Test
    void patchWhenIfMatchIsCurrentThen200AndWhenStaleThen412VersionConflict() {
        Http.Response created = createRole(admin, tenant, "auditor", "Auditor", 150);
        String id = created.json().path("id").asString();
        String path = "/v1/tenants/" + tenant + "/roles/" + id;
        String etag = http.get(path, admin).header("ETag");

        Http.Response changed = patchIfMatch(path, admin, "{\"name\":\"Auditors\",\"priority\":160}", etag);
        Http.Response stale = patchIfMatch(path, admin, "{\"name\":\"Stale\"}", etag);

        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().path("name").asString()).isEqualTo("Auditors");
        assertThat(changed.json().path("priority").asInt()).isEqualTo(160);
        assertThat(changed.json().path("version").asLong())
                .isGreaterThan(created.json().path("version").asLong());
        assertThat(changed.header("ETag"))
                .isEqualTo("\"" + changed.json().path("version").asLong() + "\"");
        assertProblem(stale, 412, "version_conflict");
        assertThat(jdbc.sql("SELECT name FROM roles WHERE id = CAST(:id AS uuid)")
                        .param("id", id)
                        .query(String.class)
                        .single())
                .isEqualTo("Auditors");
    }

    @Test
    void patchWhenTheNewSlugIsABuiltInsThen409SlugTaken() {
        String id = roleId(tenant, "auditor");

        assertProblem(
                http.patchJson("/v1/tenants/" + tenant + "/roles/" + id, admin, "{\"slug\":\"viewer\"}"),
                409,
                "slug_taken");
        assertThat(count("SELECT count(*) FROM roles WHERE id = '" + id + "' AND slug = 'auditor'"))
                .isEqualTo(1);
    }

    @Test
    void patchOrDeleteWhenTheRoleIsBuiltInThen404RoleNotFound() {
        assertProblem(
                http.patchJson("/v1/tenants/" + tenant + "/roles/" + VIEWER_ID, admin, "{\"name\":\"Readers\"}"),
                404,
                "role_not_found");
        assertProblem(http.delete("/v1/tenants/" + tenant + "/roles/" + VIEWER_ID, admin), 404, "role_not_found");
        assertThat(count("SELECT count(*) FROM roles WHERE id = '" + VIEWER_ID + "' AND name = 'Viewer'"))
                .isEqualTo(1);
    }

    @Test
    void deleteWhenNobodyHoldsTheRoleThen200AndTheRowIsGone() {
        String id = roleId(tenant, "auditor");

        Http.Response deleted = http.delete("/v1/tenants/" + tenant + "/roles/" + id, admin);

        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().path("deleted").asBoolean()).isTrue();
        assertThat(deleted.json().path("version").asLong()).isPositive();
        assertThat(count("SELECT count(*) FROM roles WHERE id = '" + id + "'")).isZero();
        assertProblem(http.get("/v1/tenants/" + tenant + "/roles/" + id, admin), 404, "role_not_found");
    }

    @Test
    void aRoleInUseCannotBeDeleted() {
        String id = roleId(tenant, "auditor");
        User holder = signUp("holder");
        assertThat(assign(admin, tenant, holder.id(), "auditor").status()).isEqualTo(201);

        Http.Response refused = http.delete("/v1/tenants/" + tenant + "/roles/" + id, admin);

        assertProblem(refused, 409, "role_in_use");
        assertThat(count("SELECT count(*) FROM roles WHERE id = '" + id + "'")).isEqualTo(1);
        assertThat(http.delete("/v1/tenants/" + tenant + "/members/" + holder.id(), admin)
                        .status())
                .isEqualTo(200);
        assertThat(http.delete("/v1/tenants/" + tenant + "/roles/" + id, admin).status())
                .isEqualTo(200);
    }

    @Test
    void aCustomRoleIsAssignedBySlugAndByUrnAndShowsInTheMembersViews() {
        String id = roleId(tenant, "auditor");
        User bySlug = signUp("by-slug");
        User byUrn = signUp("by-urn");

        Http.Response slugAssigned = assign(admin, tenant, bySlug.id(), "auditor");
        Http.Response urnAssigned = assign(admin, tenant, byUrn.id(), "role:tenant:" + id);

        for (Http.Response assigned : new Http.Response[] {slugAssigned, urnAssigned}) {
            assertThat(assigned.status()).as(assigned.body()).isEqualTo(201);
            assertThat(assigned.json().path("role").asString()).isEqualTo("auditor");
            assertThat(assigned.json().path("role_urn").asString()).isEqualTo("role:tenant:" + id);
        }
        assertThat(count("SELECT count(*) FROM memberships WHERE role_id = '" + id + "'"))
                .isEqualTo(2);
        assertThat(http.get("/v1/me/role?tenant_id=" + tenant, byUrn.token())
                        .json()
                        .path("role")
                        .asString())
                .isEqualTo("auditor");
        Http.Response members = http.get("/v1/tenants/" + tenant + "/members?role=auditor", admin);
        assertThat(values(members.json(), "role_urn")).containsOnly("role:tenant:" + id);
        assertThat(members.json().path("total").asLong()).isEqualTo(2);
    }

    @Test
    void aCustomRoleOfOneTenantCannotBeAssignedInAnother() {
        String id = roleId(tenant, "auditor");
        String other = createTenant(admin, "other");
        User user = signUp("user-1");

        Http.Response byUrn = assign(admin, other, user.id(), "role:tenant:" + id);
        Http.Response bySlug = assign(admin, other, user.id(), "auditor");

        assertProblem(byUrn, 400, "invalid_field");
        assertProblem(bySlug, 400, "invalid_field");
        assertThat(count("SELECT count(*) FROM memberships WHERE user_id = '" + user.id() + "'"))
                .isZero();
    }

    @Test
    void aRoleRenameShowsInAHoldersMeOnTheNextRequest() {
        String id = roleId(tenant, "auditor");
        User holder = signUp("holder");
        assign(admin, tenant, holder.id(), "auditor");
        assertThat(membershipIn(http.get("/v1/me", holder.token()).json(), tenant)
                        .path("role")
                        .asString())
                .isEqualTo("auditor");

        assertThat(http.patchJson("/v1/tenants/" + tenant + "/roles/" + id, admin, "{\"slug\":\"reviewer\"}")
                        .status())
                .isEqualTo(200);

        assertThat(membershipIn(http.get("/v1/me", holder.token()).json(), tenant)
                        .path("role")
                        .asString())
                .isEqualTo("reviewer");
    }

    @Test
    void rolesOfATenantWhenNotAMemberThen404TenantNotFound() {
        User outsider = signUp("outsider");

        assertProblem(http.get("/v1/tenants/" + tenant + "/roles", outsider.token()), 404, "tenant_not_found");
        assertProblem(createRole(outsider.token(), tenant, "mine", "Mine", 1), 404, "tenant_not_found");
        assertThat(count("SELECT count(*) FROM roles WHERE tenant_id = '" + tenant + "'"))
                .isZero();
    }

    @Test
    void builtInsWhenNoTokenThen401() {
        Http.Response anonymous = http.get("/v1/roles", null);

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().path("code").asString()).isEqualTo("token_missing");
    }
}
