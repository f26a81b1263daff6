package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The admin API end to end, as an operator meets it first. */
class AdminFlowTests extends IntegrationTest {

    @Test
    void aPlatformAdminCreatesATenantAssignsARoleAndTheMemberSeesItOnTheNextRequest() {
        String admin = signInAsPlatformAdmin();
        String member = accessToken("flow-1", "flow@example.com", Map.of());
        String tenantId = createTenant(admin, "flow-co");

        Http.Response assigned = assign(admin, tenantId, userId("flow@example.com"), "developer");

        assertThat(assigned.status()).isEqualTo(201);
        assertThat(assigned.json().path("role").asString()).isEqualTo("developer");
        assertThat(assigned.json().path("role_urn").asString())
                .isEqualTo("role:global:00000000-0000-0000-0000-000000000104");
        long version = assigned.json().path("version").asLong();
        assertThat(version).isPositive();
        assertThat(assigned.header("Roster-Version")).isEqualTo(Long.toString(version));
        Http.Response role = http.get("/v1/me/role?tenant_id=" + tenantId, member);
        assertThat(role.status()).isEqualTo(200);
        assertThat(role.json().path("role").asString()).isEqualTo("developer");

        Http.Response members = http.get("/v1/tenants/" + tenantId + "/members", member);
        assertThat(members.status()).isEqualTo(200);
        assertThat(members.json().path("total").asLong()).isEqualTo(1);
        assertThat(members.json().path("items").get(0).path("email").asString()).isEqualTo("flow@example.com");
        assertThat(members.json().path("next_cursor").isNull()).isTrue();

        Http.Response fresh = http.get("/v1/me?min_version=" + version, member);
        assertThat(fresh.status()).isEqualTo(200);
    }

    @Test
    void aMisspeltFieldIsRefusedNotIgnoredAndNothingChanges() {
        String admin = signInAsPlatformAdmin();
        String tenantId = createTenant(admin, "typo-co");

        Http.Response patched = http.patchJson("/v1/tenants/" + tenantId, admin, "{\"nmae\":\"Typo\"}");

        assertThat(patched.status()).isEqualTo(400);
        assertThat(patched.json().path("code").asString()).isEqualTo("invalid_field");
        assertThat(patched.json().path("detail").asString()).contains("nmae");
        assertThat(http.get("/v1/tenants/" + tenantId, admin)
                        .json()
                        .path("name")
                        .asString())
                .isEqualTo("typo-co");
    }

    @Test
    void aFieldGivenTwiceIsRefused() {
        String admin = signInAsPlatformAdmin();

        Http.Response created =
                http.postJson("/v1/tenants", admin, "{\"slug\":\"twice\",\"name\":\"A\",\"name\":\"B\"}", Map.of());

        assertThat(created.status()).isEqualTo(400);
        assertThat(created.json().path("code").asString()).isEqualTo("malformed_body");
    }

    @Test
    void aRequiredFieldCannotBePatchedAway() {
        String admin = signInAsPlatformAdmin();
        String tenantId = createTenant(admin, "null-co");

        Http.Response patched = http.patchJson("/v1/tenants/" + tenantId, admin, "{\"name\":null}");

        assertThat(patched.status()).isEqualTo(400);
        assertThat(patched.json().path("code").asString()).isEqualTo("invalid_field");
        assertThat(http.get("/v1/tenants/" + tenantId, admin)
                        .json()
                        .path("name")
                        .asString())
                .isEqualTo("null-co");
    }

    @Test
    void aFlagIsTrueOrFalseNothingElse() {
        String admin = signInAsPlatformAdmin();

        Http.Response yes = http.get("/v1/users?is_active=yes", admin);

        assertThat(yes.status()).isEqualTo(400);
        assertThat(yes.json().path("code").asString()).isEqualTo("invalid_parameter");
        assertThat(http.get("/v1/users?is_active=true", admin).status()).isEqualTo(200);
    }

    @Test
    void aTenantAdminsRoleFilterSeesNoRoleHeldInOtherTenants() {
        String admin = signInAsPlatformAdmin();
        String mine = createTenant(admin, "mine");
        String theirs = createTenant(admin, "theirs");
        String tenantAdmin = accessToken("ta-1", "ta@example.com", Map.of());
        accessToken("both-1", "both@example.com", Map.of());
        assign(admin, mine, userId("ta@example.com"), "tenant_admin");
        assign(admin, mine, userId("both@example.com"), "viewer");
        assign(admin, theirs, userId("both@example.com"), "operator");

        Http.Response operators = http.get("/v1/users?role=operator", tenantAdmin);
        Http.Response viewers = http.get("/v1/users?role=viewer", tenantAdmin);

        assertThat(operators.status()).isEqualTo(200);
        assertThat(operators.json().path("total").asLong()).isZero();
        assertThat(viewers.json().path("total").asLong()).isEqualTo(1);
    }
}
