package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** {@code /v1/tenants}: creating, reading, listing, changing and (softly) deleting tenants. */
class TenantAdminTests extends AdminApiTest {

    String admin;

    @BeforeEach
    void signInThePlatformAdmin() {
        admin = signInAsPlatformAdmin();
    }

    @Test
    void createWhenPlatformAdminThenAnswers201WithLocationETagAndTheStoredTenant() {
        String parent = createTenant(admin, "parent-co");
        long parentVersion =
                http.get("/v1/tenants/" + parent, admin).json().path("version").asLong();

        Http.Response created = postJson("/v1/tenants", admin, """
                {"slug": "acme", "name": "Acme Corp", "parent_id": "%s", "external_id": "crm-42"}""".formatted(parent));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode tenant = created.json();
        String id = tenant.path("id").asString();
        long version = tenant.path("version").asLong();
        assertThat(created.header("Location")).isEqualTo("/v1/tenants/" + id);
        assertThat(created.header("ETag")).isEqualTo("\"" + version + "\"");
        assertThat(version).isGreaterThan(parentVersion);
        assertThat(tenant.path("slug").asString()).isEqualTo("acme");
        assertThat(tenant.path("name").asString()).isEqualTo("Acme Corp");
        assertThat(tenant.path("parent_id").asString()).isEqualTo(parent);
        assertThat(tenant.path("external_id").asString()).isEqualTo("crm-42");
        assertThat(tenant.path("created_at").isMissingNode()).isFalse();
        Map<String, Object> row = jdbc.sql("SELECT slug, name, external_id, parent_id::text AS parent_id, version,"
                        + " deleted_at FROM tenants WHERE id = CAST(:id AS uuid)")
                .param("id", id)
                .query()
                .singleRow();
        assertThat(row)
                .containsEntry("slug", "acme")
                .containsEntry("name", "Acme Corp")
                .containsEntry("external_id", "crm-42")
                .containsEntry("parent_id", parent)
                .containsEntry("version", version)
                .containsEntry("deleted_at", null);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a",
                "0",
                "acme-2",
                "x23456789012345678901234567890123456789012345678901234567890123" // 63 characters
            })
    void createWhenTheSlugIsValidThenItIsStoredAsGiven(String slug) {
        Http.Response created = postJson("/v1/tenants", admin, "{\"slug\":\"" + slug + "\",\"name\":\"N\"}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("slug").asString()).isEqualTo(slug);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                " ",
                "-acme",
                "Acme",
                "acme_co",
                "acme co",
                "acmé",
                "acme.io",
                "acme/x",
                "x234567890123456789012345678901234567890123456789012345678901234" // 64 characters
            })
    void createWhenTheSlugIsInvalidThen400AndNothingIsWritten(String slug) {
        long tenantsBefore = count("SELECT count(*) FROM tenants");

        Http.Response refused = postJson("/v1/tenants", admin, "{\"slug\":\"" + slug + "\",\"name\":\"N\"}");

        assertProblem(refused, 400, "invalid_field");
        assertThat(count("SELECT count(*) FROM tenants")).isEqualTo(tenantsBefore);
    }

    @Test
    void createWhenTheSlugIsTakenThen409SlugTakenAndNoSecondTenant() {
        createTenant(admin, "acme");

        Http.Response again = postJson("/v1/tenants", admin, "{\"slug\":\"acme\",\"name\":\"Another Acme\"}");

        assertProblem(again, 409, "slug_taken");
        assertThat(count("SELECT count(*) FROM tenants WHERE slug = 'acme'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM tenants WHERE name = 'Another Acme'"))
                .isZero();
    }

    @Test
    void aSlugTakenByADeletedTenantStaysTaken() {
        String id = createTenant(admin, "gone-co");
        assertThat(http.delete("/v1/tenants/" + id, admin).status()).isEqualTo(200);

        Http.Response reused = postJson("/v1/tenants", admin, "{\"slug\":\"gone-co\",\"name\":\"New\"}");

        assertProblem(reused, 409, "slug_taken");
        assertThat(count("SELECT count(*) FROM tenants WHERE slug = 'gone-co'")).isEqualTo(1);
    }

    @Test
    void createWhenTheExternalIdIsTakenThen409ExternalIdTaken() {
        assertThat(postJson("/v1/tenants", admin, "{\"slug\":\"one\",\"name\":\"One\",\"external_id\":\"ext-1\"}")
                        .status())
                .isEqualTo(201);

        Http.Response clash =
                postJson("/v1/tenants", admin, "{\"slug\":\"two\",\"name\":\"Two\",\"external_id\":\"ext-1\"}");

        assertProblem(clash, 409, "external_id_taken");
        assertThat(count("SELECT count(*) FROM tenants WHERE slug = 'two'")).isZero();
    }

    @Test
    void createWhenTheParentIdNamesNoTenantThen400InvalidField() {
        String deleted = createTenant(admin, "deleted-parent");
        http.delete("/v1/tenants/" + deleted, admin);

        Http.Response unknown = postJson(
                "/v1/tenants",
                admin,
                "{\"slug\":\"child\",\"name\":\"C\",\"parent_id\":\"" + UUID.randomUUID() + "\"}");
        Http.Response deletedParent =
                postJson("/v1/tenants", admin, "{\"slug\":\"child\",\"name\":\"C\",\"parent_id\":\"" + deleted + "\"}");
        Http.Response notAnId =
                postJson("/v1/tenants", admin, "{\"slug\":\"child\",\"name\":\"C\",\"parent_id\":\"acme\"}");

        assertProblem(unknown, 400, "invalid_field");
        assertProblem(deletedParent, 400, "invalid_field");
        assertProblem(notAnId, 400, "invalid_field");
        assertThat(count("SELECT count(*) FROM tenants WHERE slug = 'child'")).isZero();
    }

    @Test
    void getWhenMemberThenTheTenantWithItsVersionAsETag() {
        String id = createTenant(admin, "acme");
        User viewer = member(admin, id, "viewer-1", "viewer");

        Http.Response read = http.get("/v1/tenants/" + id, viewer.token());

        assertThat(read.status()).isEqualTo(200);
        long version = read.json().path("version").asLong();
        assertThat(version)
                .isEqualTo(count("SELECT version FROM tenants WHERE id = '" + id + "'"))
                .isPositive();
        assertThat(read.header("ETag")).isEqualTo("\"" + version + "\"");
        assertThat(read.json().path("id").asString()).isEqualTo(id);
        assertThat(read.json().path("slug").asString()).isEqualTo("acme");
    }

    @Test
    void getWhenNotAMemberThen404TenantNotFoundAsForATenantThatDoesNotExist() {
        String id = createTenant(admin, "acme");
        User outsider = signUp("outsider");

        assertProblem(http.get("/v1/tenants/" + id, outsider.token()), 404, "tenant_not_found");
        assertProblem(http.get("/v1/tenants/" + UUID.randomUUID(), outsider.token()), 404, "tenant_not_found");
    }

    @Test
    void listWhenPlatformAdminThenEveryLiveTenantWithAnExactTotal() {
        String a = createTenant(admin, "a-co");
        String b = createTenant(admin, "b-co");
        String c = createTenant(admin, "c-co");
        String deleted = createTenant(admin, "d-co");
        http.delete("/v1/tenants/" + deleted, admin);

        Http.Response list = http.get("/v1/tenants", admin);

        assertThat(list.status()).isEqualTo(200);
        assertThat(values(list.json(), "id")).containsExactlyInAnyOrder(ROOT, a, b, c);
        assertThat(list.json().path("total").asLong()).isEqualTo(4);
        assertThat(list.json().path("next_cursor").isNull()).isTrue();
    }

    @Test
    void listWhenMemberThenOnlyTheirOwnTenants() {
        String a = createTenant(admin, "a-co");
        createTenant(admin, "b-co");
        String c = createTenant(admin, "c-co");
        User user = member(admin, a, "member-1", "viewer");
        assign(admin, c, user.id(), "developer");

        Http.Response list = http.get("/v1/tenants", user.token());

        assertThat(list.status()).isEqualTo(200);
        assertThat(values(list.json(), "id")).containsExactlyInAnyOrder(a, c);
        assertThat(list.json().path("total").asLong()).isEqualTo(2);
    }

    @Test
    void listWhenPagedTwoAtATimeThenEveryTenantAppearsExactlyOnce() {
        var expected = new HashSet<String>(List.of(ROOT));
        for (int i = 0; i < 6; i++) {
            expected.add(createTenant(admin, "page-" + i));
        }

        List<String> seen = walk("/v1/tenants", admin, 2, "id");

        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void listWhenAMemberPagesTwoAtATimeThenEachOfTheirTenantsAppearsExactlyOnce() {
        User user = signUp("pager");
        var expected = new HashSet<String>();
        for (int i = 0; i < 5; i++) {
            String id = createTenant(admin, "mine-" + i);
            assign(admin, id, user.id(), "viewer");
            expected.add(id);
            createTenant(admin, "not-mine-" + i);
        }

        List<String> seen = walk("/v1/tenants", user.token(), 2, "id");

        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void patchNameWhenTenantAdminThen200AndANewVersion() {
        String id = createTenant(admin, "acme");
        User tenantAdmin = member(admin, id, "ta", "tenant_admin");
        long before =
                http.get("/v1/tenants/" + id, admin).json().path("version").asLong();

        Http.Response renamed = http.patchJson("/v1/tenants/" + id, tenantAdmin.token(), "{\"name\":\"Acme Inc\"}");

        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        assertThat(renamed.json().path("name").asString()).isEqualTo("Acme Inc");
        long after = renamed.json().path("version").asLong();
        assertThat(after).isGreaterThan(before);
        assertThat(renamed.header("ETag")).isEqualTo("\"" + after + "\"");
        assertThat(jdbc.sql("SELECT name FROM tenants WHERE id = CAST(:id AS uuid)")
                        .param("id", id)
                        .query(String.class)
                        .single())
                .isEqualTo("Acme Inc");
    }

    @Test
    void patchSlugWhenTenantAdminThen403RoleRequiredAndNothingChanges() {
        String id = createTenant(admin, "acme");
        User tenantAdmin = member(admin, id, "ta", "tenant_admin");

        Http.Response refused = http.patchJson(
                "/v1/tenants/" + id, tenantAdmin.token(), "{\"name\":\"Renamed\",\"slug\":\"acme-two\"}");

        assertProblem(refused, 403, "role_required");
        assertThat(jdbc.sql("SELECT slug || '/' || name FROM tenants WHERE id = CAST(:id AS uuid)")
                        .param("id", id)
                        .query(String.class)
                        .single())
                .isEqualTo("acme/acme");
    }

    @Test
    void patchWhenViewerThen403RoleRequired() {
        String id = createTenant(admin, "acme");
        User viewer = member(admin, id, "viewer-1", "viewer");

        assertProblem(http.patchJson("/v1/tenants/" + id, viewer.token(), "{\"name\":\"Mine\"}"), 403, "role_required");
    }

    @Test
    void patchSlugWhenPlatformAdminThen200() {
        String id = createTenant(admin, "acme");

        Http.Response changed = http.patchJson("/v1/tenants/" + id, admin, "{\"slug\":\"acme-two\"}");

        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().path("slug").asString()).isEqualTo("acme-two");
        assertThat(count("SELECT count(*) FROM tenants WHERE slug = 'acme-two'"))
                .isEqualTo(1);
    }

    @Test
    void patchWhenIfMatchCarriesTheCurrentVersionThen200() {
        String id = createTenant(admin, "acme");
        String etag = http.get("/v1/tenants/" + id, admin).header("ETag");

        Http.Response changed = patchIfMatch("/v1/tenants/" + id, admin, "{\"name\":\"Acme Inc\"}", etag);

        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().path("name").asString()).isEqualTo("Acme Inc");
        assertThat(changed.header("ETag")).isNotEqualTo(etag);
    }

    @Test
    void patchWhenIfMatchIsStaleThen412VersionConflictAndNothingChanges() {
        String id = createTenant(admin, "acme");
        String stale = http.get("/v1/tenants/" + id, admin).header("ETag");
        assertThat(http.patchJson("/v1/tenants/" + id, admin, "{\"name\":\"First\"}")
                        .status())
                .isEqualTo(200);
        long versionNow = count("SELECT version FROM tenants WHERE id = '" + id + "'");
        long auditBefore = auditRows();

        Http.Response conflict = patchIfMatch("/v1/tenants/" + id, admin, "{\"name\":\"Second\"}", stale);

        assertProblem(conflict, 412, "version_conflict");
        assertThat(jdbc.sql("SELECT name FROM tenants WHERE id = CAST(:id AS uuid)")
                        .param("id", id)
                        .query(String.class)
                        .single())
                .isEqualTo("First");
        assertThat(count("SELECT version FROM tenants WHERE id = '" + id + "'")).isEqualTo(versionNow);
        assertThat(auditRows()).isEqualTo(auditBefore);
    }

    @Test
    void patchWhenTheNewParentWouldCloseALoopThen400AndNothingChanges() {
        String top = createTenant(admin, "top");
        String middle = createTenant(admin, "middle");
        String bottom = createTenant(admin, "bottom");
        assertThat(http.patchJson("/v1/tenants/" + middle, admin, "{\"parent_id\":\"" + top + "\"}")
                        .status())
                .isEqualTo(200);
        assertThat(http.patchJson("/v1/tenants/" + bottom, admin, "{\"parent_id\":\"" + middle + "\"}")
                        .status())
                .isEqualTo(200);

        Http.Response loop = http.patchJson("/v1/tenants/" + top, admin, "{\"parent_id\":\"" + bottom + "\"}");
        Http.Response self = http.patchJson("/v1/tenants/" + top, admin, "{\"parent_id\":\"" + top + "\"}");

        assertProblem(loop, 400, "invalid_field");
        assertProblem(self, 400, "invalid_field");
        assertThat(count("SELECT count(*) FROM tenants WHERE id = '" + top + "' AND parent_id IS NULL"))
                .isEqualTo(1);
    }

    @Test
    void deleteWhenPlatformAdminThenTheTenantIsGoneEverywhereButItsRowStays() {
        String id = createTenant(admin, "doomed");
        String kept = createTenant(admin, "kept");
        User member = member(admin, id, "doomed-member", "developer");
        assign(admin, kept, member.id(), "viewer");
        assertThat(tenantsOf(http.get("/v1/me", member.token()).json())).contains(id); // cached now

        Http.Response deleted = http.delete("/v1/tenants/" + id, admin);

        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().path("id").asString()).isEqualTo(id);
        assertThat(deleted.json().path("deleted").asBoolean()).isTrue();
        assertThat(deleted.json().path("version").asLong()).isPositive();
        assertProblem(http.get("/v1/tenants/" + id, admin), 404, "tenant_not_found");
        assertProblem(http.get("/v1/tenants/" + id, member.token()), 404, "tenant_not_found");
        assertThat(values(http.get("/v1/tenants", admin).json(), "id")).doesNotContain(id);
        Http.Response membersList = http.get("/v1/tenants", member.token());
        assertThat(values(membersList.json(), "id")).containsExactly(kept);
        assertThat(membersList.json().path("total").asLong()).isEqualTo(1);
        assertThat(tenantsOf(http.get("/v1/me", member.token()).json())).containsExactly(kept);
        assertProblem(http.get("/v1/me/role?tenant_id=" + id, member.token()), 404, "membership_not_found");
        assertProblem(assign(admin, id, member.id(), "viewer"), 404, "tenant_not_found");
        assertProblem(http.get("/v1/tenants/" + id + "/members", admin), 404, "tenant_not_found");
        assertThat(count("SELECT count(*) FROM tenants WHERE id = '" + id + "' AND deleted_at IS NOT NULL"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM memberships WHERE tenant_id = '" + id + "'"))
                .isEqualTo(1);
    }

    @Test
    void deleteWhenTheTenantIsAlreadyDeletedThen404TenantNotFound() {
        String id = createTenant(admin, "doomed");
        http.delete("/v1/tenants/" + id, admin);

        assertProblem(http.delete("/v1/tenants/" + id, admin), 404, "tenant_not_found");
    }

    @Test
    void deleteWhenTenantAdminThen403RoleRequiredAndTheTenantStays() {
        String id = createTenant(admin, "acme");
        User tenantAdmin = member(admin, id, "ta", "tenant_admin");

        assertProblem(http.delete("/v1/tenants/" + id, tenantAdmin.token()), 403, "role_required");
        assertThat(count("SELECT count(*) FROM tenants WHERE id = '" + id + "' AND deleted_at IS NULL"))
                .isEqualTo(1);
    }

    @Test
    void theRootTenantCannotBeDeleted() {
        Http.Response refused = http.delete("/v1/tenants/" + ROOT, admin);

        assertProblem(refused, 409, "root_tenant");
        assertThat(count("SELECT count(*) FROM tenants WHERE id = '" + ROOT + "' AND deleted_at IS NULL"))
                .isEqualTo(1);
        assertThat(http.get("/v1/tenants/" + ROOT, admin).status()).isEqualTo(200);
    }

    @Test
    void aTenantRenameShowsInAMembersMeOnTheNextRequest() {
        String id = createTenant(admin, "acme");
        User member = member(admin, id, "renamed-member", "viewer");
        JsonNode before = http.get("/v1/me", member.token()).json(); // now cached on this node
        assertThat(membershipIn(before, id).path("name").asString()).isEqualTo("acme");

        assertThat(http.patchJson("/v1/tenants/" + id, admin, "{\"name\":\"Acme Renamed\"}")
                        .status())
                .isEqualTo(200);

        JsonNode after = http.get("/v1/me", member.token()).json();
        assertThat(membershipIn(after, id).path("name").asString()).isEqualTo("Acme Renamed");
    }

    @Test
    void createWhenNotAPlatformAdminThen403RoleRequiredAndNothingIsWritten() {
        String id = createTenant(admin, "acme");
        User tenantAdmin = member(admin, id, "ta", "tenant_admin");

        Http.Response refused = postJson("/v1/tenants", tenantAdmin.token(), "{\"slug\":\"mine\",\"name\":\"Mine\"}");

        assertProblem(refused, 403, "role_required");
        assertThat(count("SELECT count(*) FROM tenants WHERE slug = 'mine'")).isZero();
    }
}
