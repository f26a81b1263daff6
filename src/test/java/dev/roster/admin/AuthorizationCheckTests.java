package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/authz}: every matching rule, every principal kind, the standings that decide before any grant, asking
 * for someone else, batches, the permissions listing, and revocations seen by the very next check.
 */
class AuthorizationCheckTests extends AdminApiTest {

    String admin;
    String tenant;
    User alice;

    @BeforeEach
    void tenantWithADeveloper() {
        admin = signInAsPlatformAdmin();
        tenant = createTenant(admin, "acme");
        alice = member(admin, tenant, "alice", "developer");
    }

    String grant(String principal, String permission, String selector) {
        Http.Response created = postJson(
                "/v1/tenants/" + tenant + "/grants",
                admin,
                "{\"principal\":\"" + principal + "\",\"permission\":\"" + permission + "\",\"selector\":\"" + selector
                        + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().path("id").asString();
    }

    Http.Response ask(String token, @Nullable String userId, String tenantId, String permission, String resource) {
        String user = userId == null ? "" : "\"user_id\":\"" + userId + "\",";
        return postJson(
                "/v1/authz/check",
                token,
                "{" + user + "\"tenant_id\":\"" + tenantId + "\",\"permission\":\"" + permission + "\",\"resource\":\""
                        + resource + "\"}");
    }

    JsonNode check(String token, String permission, String resource) {
        Http.Response answer = ask(token, null, tenant, permission, resource);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    static String reason(JsonNode answer) {
        return answer.path("reason").path("code").asString();
    }

    @Test
    void anExactPermissionAndSelectorAllowThatAndNothingElse() {
        String id = grant("user:" + alice.id(), "docs:read", "docs/42");

        JsonNode allowed = check(alice.token(), "docs:read", "docs/42");
        assertThat(allowed.path("allowed").asBoolean()).isTrue();
        assertThat(reason(allowed)).isEqualTo("grant");
        JsonNode granted = allowed.path("reason").path("grant");
        assertThat(granted.path("id").asString()).isEqualTo(id);
        assertThat(granted.path("principal").asString()).isEqualTo("user:" + alice.id());
        assertThat(granted.path("permission").asString()).isEqualTo("docs:read");
        assertThat(granted.path("selector").asString()).isEqualTo("docs/42");
        assertThat(allowed.path("version").isIntegralNumber()).isTrue();

        for (String[] other : List.of(
                new String[] {"docs:read", "docs/43"},
                new String[] {"docs:read", "docs/420"},
                new String[] {"docs:read", "docs/4"},
                new String[] {"docs:write", "docs/42"},
                new String[] {"files:read", "docs/42"})) {
            JsonNode denied = check(alice.token(), other[0], other[1]);
            assertThat(denied.path("allowed").asBoolean())
                    .as("%s on %s", other[0], other[1])
                    .isFalse();
            assertThat(reason(denied)).isEqualTo("no_matching_grant");
            assertThat(denied.path("reason").has("grant")).isFalse();
        }
    }

    @Test
    void aWildcardActionAllowsEveryActionOfThatResourceKindOnly() {
        grant("user:" + alice.id(), "docs:*", "*");

        assertThat(check(alice.token(), "docs:read", "a").path("allowed").asBoolean())
                .isTrue();
        assertThat(check(alice.token(), "docs:delete", "b").path("allowed").asBoolean())
                .isTrue();
        assertThat(check(alice.token(), "docs:delete", "b")
                        .path("reason")
                        .path("grant")
                        .path("permission")
                        .asString())
                .isEqualTo("docs:*");
        assertThat(check(alice.token(), "doc:read", "a").path("allowed").asBoolean())
                .isFalse();
        assertThat(check(alice.token(), "docsx:read", "a").path("allowed").asBoolean())
                .isFalse();
    }

    @Test
    void selectorsMatchEverythingExactlyOrByPrefixTheMostSpecificNamed() {
        grant("user:" + alice.id(), "reports:read", "reports/*");
        grant("user:" + alice.id(), "reports:read", "reports/2024/*");
        grant("user:" + alice.id(), "reports:read", "reports/2024/q1");
        grant("user:" + alice.id(), "files:read", "*");

        assertThat(check(alice.token(), "reports:read", "reports/2023")
                        .path("reason")
                        .path("grant")
                        .path("selector")
                        .asString())
                .isEqualTo("reports/*");
        assertThat(check(alice.token(), "reports:read", "reports/2024/q2")
                        .path("reason")
                        .path("grant")
                        .path("selector")
                        .asString())
                .isEqualTo("reports/2024/*");
        assertThat(check(alice.token(), "reports:read", "reports/2024/q1")
                        .path("reason")
                        .path("grant")
                        .path("selector")
                        .asString())
                .isEqualTo("reports/2024/q1");
        assertThat(check(alice.token(), "reports:read", "reports/")
                        .path("allowed")
                        .asBoolean())
                .isTrue();
        assertThat(check(alice.token(), "reports:read", "report")
                        .path("allowed")
                        .asBoolean())
                .isFalse();
        assertThat(check(alice.token(), "reports:read", "other/reports/x")
                        .path("allowed")
                        .asBoolean())
                .isFalse();
        assertThat(check(alice.token(), "files:read", "anything at all")
                        .path("allowed")
                        .asBoolean())
                .isTrue();
        // No resource at all: only '*' matches it.
        Http.Response noResource = postJson(
                "/v1/authz/check", alice.token(), "{\"tenant_id\":\"" + tenant + "\",\"permission\":\"files:read\"}");
        assertThat(noResource.json().path("allowed").asBoolean()).isTrue();
        assertThat(postJson(
                                "/v1/authz/check",
                                alice.token(),
                                "{\"tenant_id\":\"" + tenant + "\",\"permission\":\"reports:read\"}")
                        .json()
                        .path("allowed")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void aGlobalRolesGrantAllowsItsHoldersOnly() {
        User viewer = member(admin, tenant, "victor", "viewer");
        String id = grant("role:global:" + DEVELOPER_ID, "docs:read", "*");

        JsonNode allowed = check(alice.token(), "docs:read", "x");
        assertThat(allowed.path("allowed").asBoolean()).isTrue();
        assertThat(allowed.path("reason").path("grant").path("id").asString()).isEqualTo(id);
        assertThat(allowed.path("reason").path("grant").path("principal").asString())
                .isEqualTo("role:global:" + DEVELOPER_ID);
        assertThat(reason(check(viewer.token(), "docs:read", "x"))).isEqualTo("no_matching_grant");
    }

    @Test
    void aTenantRolesGrantAllowsItsHolders() {
        String role = postJson(
                        "/v1/tenants/" + tenant + "/roles",
                        admin,
                        "{\"slug\":\"auditor\",\"name\":\"Auditor\",\"priority\":50}")
                .json()
                .path("id")
                .asString();
        User carol = member(admin, tenant, "carol", "auditor");
        grant("role:tenant:" + role, "audit:read", "*");

        JsonNode allowed = check(carol.token(), "audit:read", "log");
        assertThat(allowed.path("allowed").asBoolean()).as(allowed.toString()).isTrue();
        assertThat(allowed.path("reason").path("grant").path("principal").asString())
                .isEqualTo("role:tenant:" + role);
        assertThat(check(alice.token(), "audit:read", "log").path("allowed").asBoolean())
                .isFalse();
    }

    @Test
    void grantsOfOneTenantAllowNothingInAnother() {
        String other = createTenant(admin, "other");
        assign(admin, other, alice.id(), "developer");
        grant("user:" + alice.id(), "docs:read", "*");

        Http.Response elsewhere = ask(alice.token(), null, other, "docs:read", "x");
        assertThat(elsewhere.json().path("allowed").asBoolean()).isFalse();
        assertThat(reason(elsewhere.json())).isEqualTo("no_matching_grant");
    }

    @Test
    void aPlatformAdminIsAllowedEverythingEverywhere() {
        JsonNode answer = check(admin, "anything:at-all", "whatever");

        assertThat(answer.path("allowed").asBoolean()).isTrue();
        assertThat(reason(answer)).isEqualTo("platform_admin");
        assertThat(reason(ask(admin, alice.id(), tenant, "docs:read", "x").json()))
                .isEqualTo("no_matching_grant");
    }

    @Test
    void aUserWithoutAMembershipIsRefusedWhateverTheirGrants() {
        User dave = signUp("dave");
        grant("user:" + dave.id(), "docs:read", "*");

        assertThat(reason(check(dave.token(), "docs:read", "x"))).isEqualTo("no_membership");
        assertThat(check(dave.token(), "docs:read", "x").path("allowed").asBoolean())
                .isFalse();
        // A tenant that does not exist: nobody is a member of it.
        Http.Response nowhere = ask(alice.token(), null, "00000000-0000-0000-0000-00000000beef", "docs:read", "x");
        assertThat(nowhere.status()).isEqualTo(200);
        assertThat(reason(nowhere.json())).isEqualTo("no_membership");
    }

    @Test
    void aDeactivatedUserIsRefused() {
        grant("user:" + alice.id(), "docs:read", "*");
        assertThat(check(alice.token(), "docs:read", "x").path("allowed").asBoolean())
                .isTrue();

        assertThat(http.post("/v1/users/" + alice.id() + ":deactivate", admin).status())
                .isEqualTo(200);

        JsonNode answer = ask(admin, alice.id(), tenant, "docs:read", "x").json();
        assertThat(answer.path("allowed").asBoolean()).isFalse();
        assertThat(reason(answer)).isEqualTo("user_deactivated");

        assertThat(http.post("/v1/users/" + alice.id() + ":reactivate", admin).status())
                .isEqualTo(200);
        assertThat(ask(admin, alice.id(), tenant, "docs:read", "x")
                        .json()
                        .path("allowed")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void aDeletedTenantRefusesEveryone() {
        grant("user:" + alice.id(), "docs:read", "*");
        assertThat(check(alice.token(), "docs:read", "x").path("allowed").asBoolean())
                .isTrue();

        assertThat(http.delete("/v1/tenants/" + tenant, admin).status()).isEqualTo(200);

        JsonNode answer = check(alice.token(), "docs:read", "x");
        assertThat(answer.path("allowed").asBoolean()).isFalse();
        assertThat(reason(answer)).isEqualTo("tenant_deleted");
        assertThat(reason(check(admin, "docs:read", "x"))).isEqualTo("tenant_deleted");
    }

    @Test
    void askingForAnotherUserNeedsATenantAdminThereOrAPlatformAdmin() {
        grant("user:" + alice.id(), "docs:read", "*");
        User boss = member(admin, tenant, "boss", "tenant_admin");
        User bob = member(admin, tenant, "bob", "developer");
        String other = createTenant(admin, "other");
        User otherBoss = member(admin, other, "otherboss", "tenant_admin");

        Http.Response byBoss = ask(boss.token(), alice.id(), tenant, "docs:read", "x");
        assertThat(byBoss.status()).as(byBoss.body()).isEqualTo(200);
        assertThat(byBoss.json().path("allowed").asBoolean()).isTrue();
        assertThat(ask(admin, alice.id(), tenant, "docs:read", "x")
                        .json()
                        .path("allowed")
                        .asBoolean())
                .isTrue();

        assertProblem(ask(bob.token(), alice.id(), tenant, "docs:read", "x"), 403, "role_required");
        assertProblem(ask(otherBoss.token(), alice.id(), tenant, "docs:read", "x"), 403, "role_required");
        assertProblem(
                http.get("/v1/authz/permissions?tenant_id=" + tenant + "&user_id=" + alice.id(), bob.token()),
                403,
                "role_required");
        // Asking about oneself by id is asking about oneself.
        assertThat(ask(alice.token(), alice.id(), tenant, "docs:read", "x").status())
                .isEqualTo(200);
    }

    @Test
    void aBatchAnswersEveryCheckInOrder() {
        grant("user:" + alice.id(), "docs:read", "*");
        User bob = member(admin, tenant, "bob", "developer");
        String body = "{\"checks\":["
                + "{\"tenant_id\":\"" + tenant + "\",\"permission\":\"docs:read\",\"resource\":\"a\"},"
                + "{\"tenant_id\":\"" + tenant + "\",\"permission\":\"docs:write\",\"resource\":\"a\"},"
                + "{\"user_id\":\"" + bob.id() + "\",\"tenant_id\":\"" + tenant + "\",\"permission\":\"docs:read\"}"
                + "]}";

        Http.Response byAdmin = postJson(
                "/v1/authz/check:batch",
                admin,
                body.replace("{\"tenant_id\"", "{\"user_id\":\"" + alice.id() + "\",\"tenant_id\""));
        assertThat(byAdmin.status()).as(byAdmin.body()).isEqualTo(200);
        JsonNode results = byAdmin.json().path("results");
        assertThat(results.size()).isEqualTo(3);
        assertThat(results.get(0).path("allowed").asBoolean()).isTrue();
        assertThat(results.get(0).path("reason").path("code").asString()).isEqualTo("grant");
        assertThat(results.get(1).path("reason").path("code").asString()).isEqualTo("no_matching_grant");
        assertThat(results.get(2).path("reason").path("code").asString()).isEqualTo("no_matching_grant");
        assertThat(byAdmin.json().path("version").isIntegralNumber()).isTrue();

        // Alice may not ask about Bob: the whole batch is refused.
        assertProblem(postJson("/v1/authz/check:batch", alice.token(), body), 403, "role_required");

        var many = new ArrayList<String>();
        for (int i = 0; i < 101; i++) {
            many.add("{\"tenant_id\":\"" + tenant + "\",\"permission\":\"docs:read\"}");
        }
        assertProblem(
                postJson("/v1/authz/check:batch", alice.token(), "{\"checks\":[" + String.join(",", many) + "]}"),
                400,
                "invalid_field");
        Http.Response hundred = postJson(
                "/v1/authz/check:batch",
                alice.token(),
                "{\"checks\":[" + String.join(",", many.subList(0, 100)) + "]}");
        assertThat(hundred.status()).as(hundred.body()).isEqualTo(200);
        assertThat(hundred.json().path("results").size()).isEqualTo(100);
        assertProblem(postJson("/v1/authz/check:batch", alice.token(), "{\"checks\":[]}"), 400, "invalid_field");
    }

    @Test
    void malformedChecksAreRefused() {
        assertProblem(ask(alice.token(), null, tenant, "docs:*", "x"), 400, "invalid_field");
        assertProblem(ask(alice.token(), null, tenant, "Docs:read", "x"), 400, "invalid_field");
        assertProblem(ask(alice.token(), null, tenant, "docs", "x"), 400, "invalid_field");
        assertProblem(ask(alice.token(), null, "not-a-uuid", "docs:read", "x"), 400, "invalid_field");
        assertProblem(ask(alice.token(), null, tenant, "docs:read", "x".repeat(256)), 400, "invalid_field");
        assertProblem(
                postJson("/v1/authz/check", alice.token(), "{\"permission\":\"docs:read\"}"), 400, "invalid_field");
        assertProblem(postJson("/v1/authz/check", alice.token(), "[]"), 400, "malformed_body");
        assertProblem(http.get("/v1/authz/permissions", alice.token()), 400, "missing_parameter");
    }

    @Test
    void thePermissionsListingShowsTheGrantsOfTheUsersPrincipalsThere() {
        String own = grant("user:" + alice.id(), "docs:read", "docs/*");
        String viaRole = grant("role:global:" + DEVELOPER_ID, "builds:run", "*");
        grant("role:global:" + VIEWER_ID, "dashboards:read", "*");
        User bob = member(admin, tenant, "bob", "viewer");
        grant("user:" + bob.id(), "docs:write", "*");

        Http.Response listed = http.get("/v1/authz/permissions?tenant_id=" + tenant, alice.token());

        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        JsonNode body = listed.json();
        assertThat(body.path("standing").asString()).isEqualTo("member");
        assertThat(body.path("user_id").asString()).isEqualTo(alice.id());
        var principals = new ArrayList<String>();
        body.path("principals").forEach(p -> principals.add(p.asString()));
        assertThat(principals).containsExactly("user:" + alice.id(), "role:global:" + DEVELOPER_ID);
        var ids = new ArrayList<String>();
        body.path("grants").forEach(g -> ids.add(g.path("id").asString()));
        assertThat(ids).containsExactly(own, viaRole);
        assertThat(body.path("version").isIntegralNumber()).isTrue();

        JsonNode outsider = http.get(
                        "/v1/authz/permissions?tenant_id=" + tenant,
                        signUp("dave").token())
                .json();
        assertThat(outsider.path("standing").asString()).isEqualTo("no_membership");
        assertThat(outsider.path("grants").size()).isZero();

        JsonNode ofBob = http.get("/v1/authz/permissions?tenant_id=" + tenant + "&user_id=" + bob.id(), admin)
                .json();
        assertThat(ofBob.path("grants").size()).isEqualTo(2);
    }

    @Test
    void theVeryNextCheckAfterARevocationIsRefused() {
        String direct = grant("user:" + alice.id(), "docs:read", "*");
        assertThat(check(alice.token(), "docs:read", "x").path("allowed").asBoolean())
                .isTrue();

        Http.Response deleted = http.delete("/v1/tenants/" + tenant + "/grants/" + direct, admin);
        assertThat(deleted.status()).isEqualTo(200);

        JsonNode after = check(alice.token(), "docs:read", "x");
        assertThat(after.path("allowed").asBoolean()).isFalse();
        assertThat(reason(after)).isEqualTo("no_matching_grant");
        assertThat(after.path("version").asLong())
                .isGreaterThanOrEqualTo(deleted.json().path("version").asLong());

        // Through the role now, then the membership goes.
        grant("role:global:" + DEVELOPER_ID, "docs:read", "*");
        assertThat(check(alice.token(), "docs:read", "x").path("allowed").asBoolean())
                .isTrue();
        assertThat(http.delete("/v1/tenants/" + tenant + "/members/" + alice.id(), admin)
                        .status())
                .isEqualTo(200);
        assertThat(reason(check(alice.token(), "docs:read", "x"))).isEqualTo("no_membership");

        // And a role change: viewer has no grant.
        assertThat(assign(admin, tenant, alice.id(), "viewer").status()).isEqualTo(201);
        assertThat(reason(check(alice.token(), "docs:read", "x"))).isEqualTo("no_matching_grant");
    }

    @Test
    void checksAreTimedByOutcome() {
        grant("user:" + alice.id(), "docs:read", "*");
        check(alice.token(), "docs:read", "x");
        check(alice.token(), "docs:write", "x");

        String metrics = management.get("/actuator/prometheus", null).body();

        assertThat(metrics)
                .contains("roster_authz_check_seconds_count{outcome=\"allowed\"")
                .contains("roster_authz_check_seconds_count{outcome=\"denied\"")
                .doesNotContain(alice.id());
    }

    @Test
    void theCachesCountTheirHitsMissesAndTheInvalidationsTheyReceive() {
        grant("user:" + alice.id(), "docs:read", "*");
        double hitsBefore = metric("cache_gets_total{cache=\"authz_tenants\",result=\"hit\"}");
        double invalidationsBefore = metric("roster_cache_invalidations_total{cache=\"authz_tenants\",scope=\"key\"}");

        check(alice.token(), "docs:read", "x"); // a miss, or a hit if an earlier check loaded the index
        check(alice.token(), "docs:read", "y"); // a hit
        grant("user:" + alice.id(), "docs:write", "*"); // drops the tenant's index on this node

        assertThat(metric("cache_gets_total{cache=\"authz_tenants\",result=\"hit\"}"))
                .isGreaterThanOrEqualTo(hitsBefore + 1);
        assertThat(metric("cache_gets_total{cache=\"authz_users\",result=\"miss\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(metric("roster_cache_invalidations_total{cache=\"authz_tenants\",scope=\"key\"}"))
                .isGreaterThanOrEqualTo(invalidationsBefore + 1);
    }

    /** The value of one Prometheus series (name and labels exactly as exposed, labels in their order), else 0. */
    double metric(String series) {
        for (String line : management.get("/actuator/prometheus", null).body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    @Test
    void minVersionInTheBodyIsHonoured() {
        String id = grant("user:" + alice.id(), "docs:read", "*");
        long version = http.delete("/v1/tenants/" + tenant + "/grants/" + id, admin)
                .json()
                .path("version")
                .asLong();

        Http.Response answer = postJson(
                "/v1/authz/check",
                alice.token(),
                "{\"tenant_id\":\"" + tenant + "\",\"permission\":\"docs:read\",\"min_version\":" + version + "}");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().path("allowed").asBoolean()).isFalse();
        assertThat(answer.json().path("version").asLong()).isGreaterThanOrEqualTo(version);
        assertProblem(
                postJson(
                        "/v1/authz/check",
                        alice.token(),
                        "{\"tenant_id\":\"" + tenant + "\",\"permission\":\"docs:read\",\"min_version\":-1}"),
                400,
                "invalid_field");
    }
}
