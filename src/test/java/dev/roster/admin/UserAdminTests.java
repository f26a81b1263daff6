package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import dev.roster.support.TestInfrastructure;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** {@code /v1/users}: finding users, counting them, and deactivating them. */
class UserAdminTests extends AdminApiTest {

    String admin;
    String adminId;

    @BeforeEach
    void signInThePlatformAdmin() {
        admin = signInAsPlatformAdmin();
        adminId = userId(TestInfrastructure.ADMIN_EMAIL);
    }

    /** A user row with the profile fields search looks at. */
    String person(String email, String username, String displayName) {
        String id = insertUser(email);
        jdbc.sql("UPDATE users SET username = :username, display_name = :displayName WHERE id = CAST(:id AS uuid)")
                .param("id", id)
                .param("username", username)
                .param("displayName", displayName)
                .update();
        return id;
    }

    void profile(String id, String division, String department, boolean active) {
        jdbc.sql("UPDATE users SET division = :division, department = :department, is_active = :active"
                        + " WHERE id = CAST(:id AS uuid)")
                .param("id", id)
                .param("division", division)
                .param("department", department)
                .param("active", active)
                .update();
    }

    List<String> ids(Http.Response page) {
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        return values(page.json(), "id");
    }

    // ---- search by text

    @Test
    void searchWhenQMatchesAnEmailAUsernameOrADisplayNameThenThoseUsers() {
        String ana = person("ana.lopez@example.com", "alopez", "Ana Lopez");
        String bob = person("bob@example.com", "bobby", "Robert Smith");
        String carol = person("carol@corp.test", "cmoreau", "Carol Moreau");

        Http.Response byEmail = http.get("/v1/users?q=corp.test", admin);
        Http.Response byUsername = http.get("/v1/users?q=bobby", admin);
        Http.Response byDisplayName = http.get("/v1/users?q=" + enc("Robert Sm"), admin);
        Http.Response byAny = http.get("/v1/users?q=lopez", admin);

        assertThat(ids(byEmail)).containsExactly(carol);
        assertThat(byEmail.json().path("total").asLong()).isEqualTo(1);
        assertThat(ids(byUsername)).containsExactly(bob);
        assertThat(ids(byDisplayName)).containsExactly(bob);
        assertThat(ids(byAny)).containsExactly(ana);
        assertThat(byAny.json().path("items").get(0).path("email").asString()).isEqualTo("ana.lopez@example.com");
    }

    @Test
    void searchIsCaseInsensitive() {
        String bob = person("Bob.Builder@Example.com", "BobB", "Robert Builder");

        assertThat(ids(http.get("/v1/users?q=ROBERT", admin))).containsExactly(bob);
        assertThat(ids(http.get("/v1/users?q=bob.builder", admin))).containsExactly(bob);
        assertThat(ids(http.get("/v1/users?q=bobb", admin))).containsExactly(bob);
    }

    @Test
    void searchIsCaseInsensitiveBeyondAscii() {
        String elodie = person("elodie@example.com", "elodie", "Élodie Müller");

        assertThat(ids(http.get("/v1/users?q=" + enc("élodie"), admin))).containsExactly(elodie);
        assertThat(ids(http.get("/v1/users?q=" + enc("MÜLLER"), admin))).containsExactly(elodie);
    }

    @Test
    void aPercentOrUnderscoreInQIsLiteralNotAWildcard() {
        String percent = person("p@example.com", "percent", "100% Sure");
        person("decoy1@example.com", "decoy1", "1005 Sure");
        String underscore = person("u@example.com", "a_b", "Under Score");
        person("decoy2@example.com", "axb", "Decoy Two");
        String backslash = person("b@example.com", "back\\slash", "Back Slash");

        assertThat(ids(http.get("/v1/users?q=" + enc("100%"), admin))).containsExactly(percent);
        assertThat(ids(http.get("/v1/users?q=" + enc("%"), admin))).containsExactly(percent);
        assertThat(ids(http.get("/v1/users?q=a_b", admin))).containsExactly(underscore);
        assertThat(ids(http.get("/v1/users?q=" + enc("\\"), admin))).containsExactly(backslash);
        Http.Response all = http.get("/v1/users?q=_", admin);
        assertThat(ids(all)).containsExactly(underscore);
        assertThat(all.json().path("total").asLong()).isEqualTo(1);
    }

    // ---- filters

    /** Users with a profile and roles: the dataset of the filter tests. */
    Map<String, String> directory() {
        String t1 = createTenant(admin, "t-one");
        String t2 = createTenant(admin, "t-two");
        var ids = new HashMap<String, String>();
        ids.put("T1", t1);
        ids.put("T2", t2);
        ids.put("admin", adminId);
        ids.put("u1", person("u1@example.com", "u1", "User One"));
        ids.put("u2", person("u2@example.com", "u2", "User Two"));
        ids.put("u3", person("u3@example.com", "u3", "User Three"));
        ids.put("u4", person("u4@example.com", "u4", "User Four"));
        ids.put("u5", person("u5@example.com", "u5", "User Five"));
        profile(ids.get("u1"), "Sales", "East", true);
        profile(ids.get("u2"), "Sales", "West", true);
        profile(ids.get("u3"), "Sales", "East", false);
        profile(ids.get("u4"), "Eng", "East", true);
        profile(ids.get("u5"), "Eng", "Core", false);
        insertMembership(ids.get("u1"), t1, DEVELOPER_ID);
        insertMembership(ids.get("u2"), t1, VIEWER_ID);
        insertMembership(ids.get("u3"), t2, DEVELOPER_ID);
        insertMembership(ids.get("u4"), t2, DEVELOPER_ID);
        return ids;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "division=Sales | u1 u2 u3",
                "department=East | u1 u3 u4",
                "is_active=false | u3 u5",
                "is_active=true | admin u1 u2 u4",
                "role=developer | u1 u3 u4",
                "role=super_admin | admin",
                "tenant_id=T1 | u1 u2",
                "tenant_id=T2&role=developer | u3 u4",
                "tenant_id=T1&role=developer | u1",
                "division=Sales&department=East | u1 u3",
                "division=Sales&is_active=true&role=developer | u1",
                "division=Eng&tenant_id=T2 | u4",
                "q=user&department=East&is_active=true | u1 u4",
                "division=Nowhere | ",
            })
    void searchWhenFilteredThenExactlyTheMatchingUsersWithAnExactTotal(String filter, String expected) {
        Map<String, String> ids = directory();
        String query = filter.replace("T1", ids.get("T1")).replace("T2", ids.get("T2"));
        List<String> want = expected == null
                ? List.of()
                : Arrays.stream(expected.trim().split(" ")).map(ids::get).toList();

        Http.Response page = http.get("/v1/users?" + query, admin);

        assertThat(ids(page)).containsExactlyInAnyOrderElementsOf(want);
        assertThat(page.json().path("total").asLong()).isEqualTo(want.size());
    }

    @Test
    void searchWhenPagedTwoAtATimeThenEveryUserExactlyOnceInIdOrder() {
        Map<String, String> ids = directory();

        List<String> all = walk("/v1/users", admin, 2, "id");
        List<String> sales = walk("/v1/users?division=Sales", admin, 2, "id");

        assertThat(all)
                .doesNotHaveDuplicates()
                .isSorted()
                .containsExactlyInAnyOrderElementsOf(jdbc.sql("SELECT id::text FROM users")
                        .query(String.class)
                        .list());
        assertThat(sales).containsExactlyInAnyOrder(ids.get("u1"), ids.get("u2"), ids.get("u3"));
    }

    @Test
    void getWhenPlatformAdminThenTheUserWithTheirMemberships() {
        Map<String, String> ids = directory();

        Http.Response user = http.get("/v1/users/" + ids.get("u1"), admin);

        assertThat(user.status()).isEqualTo(200);
        assertThat(user.json().path("email").asString()).isEqualTo("u1@example.com");
        assertThat(user.json().path("division").asString()).isEqualTo("Sales");
        assertThat(user.json().path("memberships").size()).isEqualTo(1);
        assertThat(user.json().path("memberships").get(0).path("tenant_id").asString())
                .isEqualTo(ids.get("T1"));
        assertThat(user.json().path("memberships").get(0).path("role").asString())
                .isEqualTo("developer");
        assertProblem(http.get("/v1/users/" + UUID.randomUUID(), admin), 404, "user_not_found");
    }

    // ---- what a tenant admin sees

    @Test
    void aTenantAdminSeesOnlyMembersOfTheTenantsTheyAdminister() {
        Map<String, String> ids = directory();
        User tenantAdmin = member(admin, ids.get("T1"), "t1-admin", "tenant_admin");

        Http.Response all = http.get("/v1/users", tenantAdmin.token());
        Http.Response sales = http.get("/v1/users?division=Sales", tenantAdmin.token());

        assertThat(ids(all)).containsExactlyInAnyOrder(ids.get("u1"), ids.get("u2"), tenantAdmin.id());
        assertThat(all.json().path("total").asLong()).isEqualTo(3);
        assertThat(ids(sales)).containsExactlyInAnyOrder(ids.get("u1"), ids.get("u2"));
        assertThat(sales.json().path("total").asLong()).isEqualTo(2);
        assertThat(http.get("/v1/users/" + ids.get("u1"), tenantAdmin.token()).status())
                .isEqualTo(200);
    }

    @Test
    void aTenantAdminGets404ForAUserOutsideTheirTenants() {
        Map<String, String> ids = directory();
        User tenantAdmin = member(admin, ids.get("T1"), "t1-admin", "tenant_admin");

        assertProblem(http.get("/v1/users/" + ids.get("u4"), tenantAdmin.token()), 404, "user_not_found");
        assertProblem(http.get("/v1/users/" + adminId, tenantAdmin.token()), 404, "user_not_found");
        assertThat(ids(http.get("/v1/users?q=u4", tenantAdmin.token()))).isEmpty();
    }

    @Test
    void aTenantAdminGets404ForATenantTheyDoNotAdminister() {
        Map<String, String> ids = directory();
        User tenantAdmin = member(admin, ids.get("T1"), "t1-admin", "tenant_admin");
        assign(admin, ids.get("T2"), tenantAdmin.id(), "viewer");

        assertProblem(http.get("/v1/users?tenant_id=" + ids.get("T2"), tenantAdmin.token()), 404, "tenant_not_found");
        assertProblem(
                http.get("/v1/users?tenant_id=" + UUID.randomUUID(), tenantAdmin.token()), 404, "tenant_not_found");
        assertProblem(
                http.get("/v1/users/stats?by=role&tenant_id=" + ids.get("T2"), tenantAdmin.token()),
                404,
                "tenant_not_found");
        assertThat(ids(http.get("/v1/users?tenant_id=" + ids.get("T1"), tenantAdmin.token())))
                .containsExactlyInAnyOrder(ids.get("u1"), ids.get("u2"), tenantAdmin.id());
    }

    @Test
    void aTenantAdminReadingAUserSeesOnlyTheMembershipsOfTheirOwnTenants() {
        Map<String, String> ids = directory();
        User tenantAdmin = member(admin, ids.get("T1"), "t1-admin", "tenant_admin");
        assign(admin, ids.get("T2"), ids.get("u1"), "operator"); // u1 is also in T2, which the admin is not in

        Http.Response user = http.get("/v1/users/" + ids.get("u1"), tenantAdmin.token());

        assertThat(user.status()).isEqualTo(200);
        assertThat(tenantsOf(user.json())).containsExactly(ids.get("T1"));
        assertThat(user.body()).doesNotContain(ids.get("T2")).doesNotContain("t-two");
    }

    @Test
    void aDeletedTenantsMembershipsNoLongerCountInSearch() {
        Map<String, String> ids = directory();
        String gone = createTenant(admin, "gone");
        String onlyThere = person("only-there@example.com", "onlythere", "Only There");
        insertMembership(onlyThere, gone, TENANT_ADMIN_ID);
        assertThat(http.delete("/v1/tenants/" + gone, admin).status()).isEqualTo(200);

        Http.Response byTenant = http.get("/v1/users?tenant_id=" + gone, admin);
        Http.Response byRole = http.get("/v1/users?role=tenant_admin", admin);

        // Either answer keeps the deleted tenant's members out: "no such tenant", or an empty list.
        if (byTenant.status() == 404) {
            assertProblem(byTenant, 404, "tenant_not_found");
        } else {
            assertThat(ids(byTenant)).isEmpty();
            assertThat(byTenant.json().path("total").asLong()).isZero();
        }
        assertThat(ids(byRole)).doesNotContain(onlyThere);
        assertThat(counts(http.get("/v1/users/stats?by=role", admin))).doesNotContainKey("tenant_admin");
        assertThat(ids(http.get("/v1/users?tenant_id=" + ids.get("T1"), admin))).hasSize(2);
    }

    @Test
    void aTenantAdminOfADeletedTenantAdministersNothing() {
        String gone = createTenant(admin, "gone");
        User tenantAdmin = member(admin, gone, "gone-admin", "tenant_admin");
        assertThat(http.get("/v1/users", tenantAdmin.token()).status()).isEqualTo(200);

        assertThat(http.delete("/v1/tenants/" + gone, admin).status()).isEqualTo(200);

        assertProblem(http.get("/v1/users", tenantAdmin.token()), 403, "role_required");
        assertProblem(http.get("/v1/audit", tenantAdmin.token()), 403, "role_required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"operator", "developer", "viewer"})
    void operatorsDevelopersAndViewersCannotSearchUsers(String role) {
        Map<String, String> ids = directory();
        User user = member(admin, ids.get("T1"), "plain-" + role, role);

        assertProblem(http.get("/v1/users", user.token()), 403, "role_required");
        assertProblem(http.get("/v1/users/" + ids.get("u1"), user.token()), 403, "role_required");
        assertProblem(http.get("/v1/users/stats?by=division", user.token()), 403, "role_required");
    }

    // ---- stats

    Map<String, Long> counts(Http.Response stats) {
        assertThat(stats.status()).as(stats.body()).isEqualTo(200);
        var counts = new HashMap<String, Long>();
        for (JsonNode item : stats.json().path("items")) {
            counts.put(
                    item.path("key").isNull() ? "(none)" : item.path("key").asString(),
                    item.path("count").asLong());
        }
        assertThat(stats.json().path("total").asLong()).isEqualTo(counts.size());
        return counts;
    }

    @Test
    void statsCountUsersByDivisionAndByDepartment() {
        directory();

        assertThat(counts(http.get("/v1/users/stats?by=division", admin)))
                .isEqualTo(Map.of("Sales", 3L, "Eng", 2L, "(none)", 1L));
        assertThat(counts(http.get("/v1/users/stats?by=department", admin)))
                .isEqualTo(Map.of("East", 3L, "West", 1L, "Core", 1L, "(none)", 1L));
        assertThat(counts(http.get("/v1/users/stats?by=division&is_active=true", admin)))
                .isEqualTo(Map.of("Sales", 2L, "Eng", 1L, "(none)", 1L));
    }

    @Test
    void statsCountMembershipsByRole() {
        Map<String, String> ids = directory();

        assertThat(counts(http.get("/v1/users/stats?by=role", admin)))
                .isEqualTo(Map.of("developer", 3L, "viewer", 1L, "super_admin", 1L));
        assertThat(counts(http.get("/v1/users/stats?by=role&tenant_id=" + ids.get("T2"), admin)))
                .isEqualTo(Map.of("developer", 2L));
    }

    @Test
    void statsOfATenantAdminCountOnlyTheirTenants() {
        Map<String, String> ids = directory();
        User tenantAdmin = member(admin, ids.get("T1"), "t1-admin", "tenant_admin");

        assertThat(counts(http.get("/v1/users/stats?by=role", tenantAdmin.token())))
                .isEqualTo(Map.of("developer", 1L, "viewer", 1L, "tenant_admin", 1L));
        assertThat(counts(http.get("/v1/users/stats?by=division", tenantAdmin.token())))
                .isEqualTo(Map.of("Sales", 2L, "(none)", 1L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nonsense", "", "divisions", "id"})
    void statsWhenByIsNotAKnownDimensionThen400InvalidParameter(String by) {
        assertProblem(http.get("/v1/users/stats?by=" + by, admin), 400, "invalid_parameter");
    }

    @Test
    void statsWhenByIsMissingThen400MissingParameter() {
        assertProblem(http.get("/v1/users/stats", admin), 400, "missing_parameter");
    }

    // ---- deactivation

    @Test
    void deactivateEndsTheUsersSessionsAndSignInsButKeepsTheirMemberships() {
        String tenant = createTenant(admin, "acme");
        JsonNode tokens = signIn("leaver", "leaver@example.com");
        String token = tokens.path("access_token").asString();
        String refreshToken = tokens.path("refresh_token").asString();
        String id = userId("leaver@example.com");
        assign(admin, tenant, id, "developer");
        assertThat(http.get("/v1/me", token).status()).isEqualTo(200); // the session is cached as live now

        Http.Response deactivated = http.post("/v1/users/" + id + ":deactivate", admin);

        assertThat(deactivated.status()).as(deactivated.body()).isEqualTo(200);
        assertThat(deactivated.json().path("id").asString()).isEqualTo(id);
        assertThat(deactivated.json().path("is_active").asBoolean()).isFalse();
        assertThat(deactivated.json().path("version").asLong()).isPositive();
        Http.Response refused = http.get("/v1/me", token);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().path("code").asString()).isEqualTo("session_ended");
        Http.Response refresh = http.postForm(
                "/v1/auth/token", Http.form("grant_type", "refresh_token", "refresh_token", refreshToken));
        assertThat(refresh.status()).isEqualTo(400);
        assertThat(refresh.json().path("error").asString()).isEqualTo("invalid_grant");
        Http.Response signInAgain = exchange(upstreamToken("leaver", "leaver@example.com", Map.of()));
        assertThat(signInAgain.status()).isEqualTo(400);
        assertThat(signInAgain.json().path("error").asString()).isEqualTo("invalid_grant");
        assertThat(count("SELECT count(*) FROM users WHERE id = '" + id + "' AND NOT is_active"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM memberships WHERE user_id = '" + id + "'"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM sessions WHERE user_id = '" + id + "' AND revoked_at IS NULL"))
                .isZero();
        assertThat(http.get("/v1/users/" + id, admin).json().path("is_active").asBoolean())
                .isFalse();
    }

    @Test
    void reactivateLetsTheUserSignInAgainWithTheirMemberships() {
        String tenant = createTenant(admin, "acme");
        User user = member(admin, tenant, "returner", "developer");
        http.post("/v1/users/" + user.id() + ":deactivate", admin);

        Http.Response reactivated = http.post("/v1/users/" + user.id() + ":reactivate", admin);

        assertThat(reactivated.status()).as(reactivated.body()).isEqualTo(200);
        assertThat(reactivated.json().path("is_active").asBoolean()).isTrue();
        assertThat(http.get("/v1/me", user.token()).status()).isEqualTo(401); // its session stays ended
        Http.Response signedIn = exchange(upstreamToken("returner", user.email(), Map.of()));
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(200);
        Http.Response me =
                http.get("/v1/me", signedIn.json().path("access_token").asString());
        assertThat(me.status()).isEqualTo(200);
        assertThat(membershipIn(me.json(), tenant).path("role").asString()).isEqualTo("developer");
    }

    @Test
    void deactivateWhenNotAPlatformAdminThen403AndTheUserStaysActive() {
        String tenant = createTenant(admin, "acme");
        User tenantAdmin = member(admin, tenant, "ta", "tenant_admin");
        User user = member(admin, tenant, "target", "viewer");

        assertProblem(http.post("/v1/users/" + user.id() + ":deactivate", tenantAdmin.token()), 403, "role_required");
        assertThat(http.get("/v1/me", user.token()).status()).isEqualTo(200);
        assertThat(count("SELECT count(*) FROM users WHERE id = '" + user.id() + "' AND is_active"))
                .isEqualTo(1);
    }

    @Test
    void deactivateWhenTheUserDoesNotExistThen404UserNotFound() {
        assertProblem(http.post("/v1/users/" + UUID.randomUUID() + ":deactivate", admin), 404, "user_not_found");
    }

    // ---- the last platform admin

    @Test
    void deactivatingTheLastActivePlatformAdminIsRefused() {
        Http.Response refused = http.post("/v1/users/" + adminId + ":deactivate", admin);

        assertProblem(refused, 409, "last_platform_admin");
        assertThat(count("SELECT count(*) FROM users WHERE id = '" + adminId + "' AND is_active"))
                .isEqualTo(1);
        assertThat(http.get("/v1/me", admin).status()).isEqualTo(200);
    }

    @Test
    void deactivatingAPlatformAdminWhenAnotherIsActiveIsAllowed() {
        User second = member(admin, ROOT, "second-admin", "super_admin");

        assertThat(http.post("/v1/users/" + second.id() + ":deactivate", admin).status())
                .isEqualTo(200);
        assertThat(count("SELECT count(*) FROM users WHERE id = '" + second.id() + "' AND NOT is_active"))
                .isEqualTo(1);
    }

    @Test
    void aDeactivatedPlatformAdminDoesNotCountAsAnother() {
        User second = member(admin, ROOT, "second-admin", "super_admin");
        http.post("/v1/users/" + second.id() + ":deactivate", admin);

        assertProblem(http.post("/v1/users/" + adminId + ":deactivate", admin), 409, "last_platform_admin");
        assertProblem(http.delete("/v1/tenants/" + ROOT + "/members/" + adminId, admin), 409, "last_platform_admin");
    }

    @Test
    void revokingTheLastPlatformAdminsRootMembershipIsRefused() {
        Http.Response revoke = http.delete("/v1/tenants/" + ROOT + "/members/" + adminId, admin);
        Http.Response demote = assign(admin, ROOT, adminId, "tenant_admin");

        assertProblem(revoke, 409, "last_platform_admin");
        assertProblem(demote, 409, "last_platform_admin");
        assertThat(count("SELECT count(*) FROM memberships WHERE user_id = '" + adminId + "' AND tenant_id = '" + ROOT
                        + "' AND role_id = '" + SUPER_ADMIN_ID + "'"))
                .isEqualTo(1);
        assertThat(http.get("/v1/tenants/" + ROOT + "/members", admin).status()).isEqualTo(200);
    }

    @Test
    void revokingAPlatformAdminsRootMembershipWhenAnotherRemainsIsAllowed() {
        User second = member(admin, ROOT, "second-admin", "super_admin");

        assertThat(http.delete("/v1/tenants/" + ROOT + "/members/" + second.id(), admin)
                        .status())
                .isEqualTo(200);
        assertProblem(http.get("/v1/users", second.token()), 403, "role_required");
    }

    /** Sends both requests at the same moment, as two admins might, and returns both answers. */
    List<Http.Response> atOnce(Supplier<Http.Response> a, Supplier<Http.Response> b) throws Exception {
        var gate = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(2)) {
            var first = pool.submit(() -> {
                gate.await();
                return a.get();
            });
            var second = pool.submit(() -> {
                gate.await();
                return b.get();
            });
            gate.countDown();
            return List.of(first.get(), second.get());
        }
    }

    long activePlatformAdmins() {
        return count("SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id AND u.is_active"
                + " WHERE m.tenant_id = '" + ROOT + "' AND m.role_id = '" + SUPER_ADMIN_ID + "'");
    }

    @RepeatedTest(5)
    void twoPlatformAdminsDeactivatingEachOtherAtOnceLeaveOneStanding() throws Exception {
        User second = member(admin, ROOT, "second-admin", "super_admin");

        List<Http.Response> answers = atOnce(
                () -> http.post("/v1/users/" + second.id() + ":deactivate", admin),
                () -> http.post("/v1/users/" + adminId + ":deactivate", second.token()));

        assertThat(answers).filteredOn(r -> r.status() == 200).hasSize(1);
        assertThat(answers)
                .filteredOn(r -> r.status() != 200)
                .singleElement()
                .satisfies(
                        r -> assertThat(r.json().path("code").asString()).isIn("last_platform_admin", "session_ended"));
        assertThat(activePlatformAdmins()).isEqualTo(1);
    }

    @RepeatedTest(5)
    void twoPlatformAdminsRevokingEachOthersRootMembershipAtOnceLeaveOneStanding() throws Exception {
        User second = member(admin, ROOT, "second-admin", "super_admin");

        List<Http.Response> answers = atOnce(
                () -> http.delete("/v1/tenants/" + ROOT + "/members/" + second.id(), admin),
                () -> http.delete("/v1/tenants/" + ROOT + "/members/" + adminId, second.token()));

        assertThat(answers).filteredOn(r -> r.status() == 200).hasSize(1);
        assertThat(answers)
                .filteredOn(r -> r.status() != 200)
                .singleElement()
                .satisfies(r -> assertThat(r.json().path("code").asString())
                        .isIn("last_platform_admin", "role_required", "tenant_not_found"));
        assertThat(activePlatformAdmins()).isEqualTo(1);
    }
}
