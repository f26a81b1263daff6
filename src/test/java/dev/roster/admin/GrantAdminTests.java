package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code /v1/tenants/{id}/grants}: creating, listing and deleting grants, and what is refused. */
class GrantAdminTests extends AdminApiTest {

    String admin;
    String tenant;
    User alice;

    @BeforeEach
    void tenantWithAMember() {
        admin = signInAsPlatformAdmin();
        tenant = createTenant(admin, "acme");
        alice = member(admin, tenant, "alice", "developer");
    }

    Http.Response grant(String token, String principal, String permission, String selector) {
        return postJson(
                "/v1/tenants/" + tenant + "/grants",
                token,
                "{\"principal\":\"" + principal + "\",\"permission\":\"" + permission + "\",\"selector\":\"" + selector
                        + "\"}");
    }

    @Test
    void createAnswersTheGrantWithItsVersionAndAuditsIt() {
        Http.Response created = grant(admin, "user:" + alice.id(), "docs:read", "docs/*");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode body = created.json();
        assertThat(body.path("principal").asString()).isEqualTo("user:" + alice.id());
        assertThat(body.path("permission").asString()).isEqualTo("docs:read");
        assertThat(body.path("selector").asString()).isEqualTo("docs/*");
        assertThat(body.path("tenant_id").asString()).isEqualTo(tenant);
        assertThat(body.path("version").asLong()).isPositive();
        assertThat(created.header("Roster-Version"))
                .isEqualTo(Long.toString(body.path("version").asLong()));
        assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'grant.created' AND target = 'grant:"
                        + body.path("id").asString() + "' AND tenant_id = '" + tenant + "'"))
                .isEqualTo(1);
    }

    @Test
    void selectorDefaultsToEverything() {
        Http.Response created = postJson(
                "/v1/tenants/" + tenant + "/grants",
                admin,
                "{\"principal\":\"role:global:" + DEVELOPER_ID + "\",\"permission\":\"docs:*\"}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("selector").asString()).isEqualTo("*");
    }

    @Test
    void theSameGrantTwiceIsAConflict() {
        assertThat(grant(admin, "user:" + alice.id(), "docs:read", "*").status())
                .isEqualTo(201);

        assertProblem(grant(admin, "user:" + alice.id(), "docs:read", "*"), 409, "grant_exists");
        assertThat(count("SELECT count(*) FROM grants")).isEqualTo(1);
    }

    @Test
    void malformedPrincipalsPermissionsAndSelectorsAreRefused() {
        String user = "user:" + alice.id();
        for (String principal : List.of(
                "alice",
                "user:not-a-uuid",
                "user:" + alice.id().toUpperCase(),
                "group:" + alice.id(),
                "role:" + alice.id(),
                "role:developer")) {
            assertProblem(grant(admin, principal, "docs:read", "*"), 400, "invalid_field");
        }
        for (String permission : List.of("docs", "Docs:read", "docs:re*d", "docs:read:x", "*:read", "docs:", ":read")) {
            assertProblem(grant(admin, user, permission, "*"), 400, "invalid_field");
        }
        for (String selector : List.of("a*b", "**", "*a", "")) {
            assertProblem(grant(admin, user, "docs:read", selector), 400, "invalid_field");
        }
        assertProblem(grant(admin, user, "docs:read", "x".repeat(256)), 400, "invalid_field");
        assertProblem(
                postJson("/v1/tenants/" + tenant + "/grants", admin, "{\"principal\":\"" + user + "\"}"),
                400,
                "invalid_field");
        assertProblem(
                postJson(
                        "/v1/tenants/" + tenant + "/grants",
                        admin,
                        "{\"principal\":\"" + user + "\",\"permission\":\"docs:read\",\"extra\":1}"),
                400,
                "invalid_field");
        assertThat(count("SELECT count(*) FROM grants")).isZero();
    }

    @Test
    void principalsThatNameNothingAreRefused() {
        String other = createTenant(admin, "other");
        String otherRole = postJson(
                        "/v1/tenants/" + other + "/roles",
                        admin,
                        "{\"slug\":\"auditor\",\"name\":\"Auditor\",\"priority\":50}")
                .json()
                .path("id")
                .asString();

        assertProblem(
                grant(admin, "user:00000000-0000-0000-0000-00000000beef", "docs:read", "*"), 400, "invalid_field");
        assertProblem(
                grant(admin, "role:global:00000000-0000-0000-0000-00000000beef", "docs:read", "*"),
                400,
                "invalid_field");
        // Another tenant's role, named as this tenant's, or as a global one.
        assertProblem(grant(admin, "role:tenant:" + otherRole, "docs:read", "*"), 400, "invalid_field");
        assertProblem(grant(admin, "role:global:" + otherRole, "docs:read", "*"), 400, "invalid_field");
        // A tenant role is not a global one.
        assertProblem(grant(admin, "role:tenant:" + DEVELOPER_ID, "docs:read", "*"), 400, "invalid_field");
        assertThat(count("SELECT count(*) FROM grants")).isZero();
    }

    @Test
    void listingPagesInIdOrderWithExactTotalsAndFilters() {
        String developers = "role:global:" + DEVELOPER_ID;
        for (int i = 0; i < 5; i++) {
            assertThat(grant(admin, "user:" + alice.id(), "docs:read", "docs/" + i + "*")
                            .status())
                    .isEqualTo(201);
        }
        assertThat(grant(admin, developers, "docs:read", "*").status()).isEqualTo(201);
        assertThat(grant(admin, developers, "reports:*", "*").status()).isEqualTo(201);

        List<String> ids = walk("/v1/tenants/" + tenant + "/grants", admin, 2, "id");
        assertThat(ids).hasSize(7).isSorted().doesNotHaveDuplicates();

        JsonNode byPrincipal = http.get(
                        "/v1/tenants/" + tenant + "/grants?principal=" + enc(developers) + "&limit=1", admin)
                .json();
        assertThat(byPrincipal.path("total").asLong()).isEqualTo(2);
        assertThat(byPrincipal.path("items").size()).isEqualTo(1);
        assertThat(byPrincipal.path("next_cursor").isNull()).isFalse();

        JsonNode byBoth = http.get(
                        "/v1/tenants/" + tenant + "/grants?principal=" + enc(developers) + "&permission=docs:read",
                        admin)
                .json();
        assertThat(byBoth.path("total").asLong()).isEqualTo(1);
        assertThat(values(byBoth, "permission")).containsExactly("docs:read");

        assertProblem(http.get("/v1/tenants/" + tenant + "/grants?principal=alice", admin), 400, "invalid_parameter");
        assertProblem(http.get("/v1/tenants/" + tenant + "/grants?permission=DOCS", admin), 400, "invalid_parameter");
    }

    @Test
    void deleteAnswersItsVersionThenTheGrantIsGone() {
        String id = grant(admin, "user:" + alice.id(), "docs:read", "*")
                .json()
                .path("id")
                .asString();

        Http.Response deleted = http.delete("/v1/tenants/" + tenant + "/grants/" + id, admin);

        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().path("id").asString()).isEqualTo(id);
        assertThat(deleted.json().path("deleted").asBoolean()).isTrue();
        assertThat(deleted.json().path("version").asLong()).isPositive();
        assertThat(count("SELECT count(*) FROM grants")).isZero();
        assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'grant.deleted' AND target = 'grant:" + id
                        + "'"))
                .isEqualTo(1);
        assertProblem(http.delete("/v1/tenants/" + tenant + "/grants/" + id, admin), 404, "grant_not_found");
    }

    @Test
    void aGrantOfAnotherTenantCannotBeDeletedThroughThisOne() {
        String other = createTenant(admin, "other");
        String id = grant(admin, "user:" + alice.id(), "docs:read", "*")
                .json()
                .path("id")
                .asString();

        assertProblem(http.delete("/v1/tenants/" + other + "/grants/" + id, admin), 404, "grant_not_found");
        assertThat(count("SELECT count(*) FROM grants")).isEqualTo(1);
    }

    @Test
    void tenantAdminsManageTheirTenantsGrantsOnly() {
        User boss = member(admin, tenant, "boss", "tenant_admin");
        String other = createTenant(admin, "other");
        User otherBoss = member(admin, other, "otherboss", "tenant_admin");

        assertThat(grant(boss.token(), "user:" + alice.id(), "docs:read", "*").status())
                .isEqualTo(201);
        assertProblem(grant(otherBoss.token(), "user:" + alice.id(), "docs:write", "*"), 404, "tenant_not_found");
        assertProblem(http.get("/v1/tenants/" + tenant + "/grants", otherBoss.token()), 404, "tenant_not_found");
        assertProblem(grant(alice.token(), "user:" + alice.id(), "docs:write", "*"), 403, "role_required");
        assertThat(count("SELECT count(*) FROM grants")).isEqualTo(1);
    }
}
