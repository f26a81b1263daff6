package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** {@code /v1/tenants/{id}/members}: one role per user per tenant, assigned, changed, revoked and listed. */
class MembershipAdminTests extends AdminApiTest {

    String admin;
    String tenant;

    @BeforeEach
    void aTenant() {
        admin = signInAsPlatformAdmin();
        tenant = createTenant(admin, "acme");
    }

    String roleSlugInDatabase(String userId, String tenantId) {
        return jdbc.sql("SELECT r.slug FROM memberships m JOIN roles r ON r.id = m.role_id"
                        + " WHERE m.user_id = CAST(:u AS uuid) AND m.tenant_id = CAST(:t AS uuid)")
                .param("u", userId)
                .param("t", tenantId)
                .query(String.class)
                .optional()
                .orElse("(none)");
    }

    @Test
    void assignWhenNewThen201AndALocalMembership() {
        User user = signUp("new-member");

        Http.Response assigned = assign(admin, tenant, user.id(), "developer");

        assertThat(assigned.status()).as(assigned.body()).isEqualTo(201);
        JsonNode body = assigned.json();
        assertThat(body.path("user_id").asString()).isEqualTo(user.id());
        assertThat(body.path("tenant_id").asString()).isEqualTo(tenant);
        assertThat(body.path("role").asString()).isEqualTo("developer");
        assertThat(body.path("role_urn").asString()).isEqualTo("role:global:" + DEVELOPER_ID);
        assertThat(body.path("source").asString()).isEqualTo("local");
        assertThat(body.path("version").asLong()).isPositive();
        assertThat(count("SELECT count(*) FROM memberships WHERE user_id = '" + user.id() + "' AND tenant_id = '"
                        + tenant + "' AND role_id = '" + DEVELOPER_ID + "' AND source = 'local'"))
                .isEqualTo(1);
    }

    @Test
    void assignWhenTheUserHasAnotherRoleThen200AndTheRoleChanges() {
        User user = signUp("changing");
        long firstVersion = assign(admin, tenant, user.id(), "developer")
                .json()
                .path("version")
                .asLong();

        Http.Response changed = assign(admin, tenant, user.id(), "viewer");

        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().path("role").asString()).isEqualTo("viewer");
        assertThat(changed.json().path("version").asLong()).isGreaterThan(firstVersion);
        assertThat(roleSlugInDatabase(user.id(), tenant)).isEqualTo("viewer");
        assertThat(count("SELECT count(*) FROM memberships WHERE user_id = '" + user.id() + "'"))
                .isEqualTo(1);
    }

    @Test
    void assignWhenTheSameRoleAgainThen200AndNothingChanges() {
        User user = member(admin, tenant, "same", "developer");
        String updatedAt = jdbc.sql("SELECT updated_at::text FROM memberships WHERE user_id = CAST(:u AS uuid)")
                .param("u", user.id())
                .query(String.class)
                .single();
        long auditBefore = auditRows();

        Http.Response again = assign(admin, tenant, user.id(), "developer");

        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("role").asString()).isEqualTo("developer");
        assertThat(jdbc.sql("SELECT updated_at::text FROM memberships WHERE user_id = CAST(:u AS uuid)")
                        .param("u", user.id())
                        .query(String.class)
                        .single())
                .isEqualTo(updatedAt);
        assertThat(auditRows()).isEqualTo(auditBefore);
    }

    @Test
    void revokeThen200WithAVersionAndAgainThen404MembershipNotFound() {
        User user = member(admin, tenant, "leaving", "developer");

        Http.Response revoked = http.delete("/v1/tenants/" + tenant + "/members/" + user.id(), admin);
        Http.Response again = http.delete("/v1/tenants/" + tenant + "/members/" + user.id(), admin);

        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.json().path("revoked").asBoolean()).isTrue();
        assertThat(revoked.json().path("user_id").asString()).isEqualTo(user.id());
        assertThat(revoked.json().path("tenant_id").asString()).isEqualTo(tenant);
        assertThat(revoked.json().path("version").asLong()).isPositive();
        assertThat(roleSlugInDatabase(user.id(), tenant)).isEqualTo("(none)");
        assertProblem(again, 404, "membership_not_found");
    }

    @Test
    void assignWhenTheMembershipCameFromTheUpstreamThenItBecomesLocal() {
        User user = signUp("from-upstream", roles("viewer", "upstream-co"));
        String upstreamTenant = tenantIdByExternalId("upstream-co");
        assertThat(count(
                        "SELECT count(*) FROM memberships WHERE user_id = '" + user.id() + "' AND source = 'upstream'"))
                .isEqualTo(1);

        Http.Response assigned = assign(admin, upstreamTenant, user.id(), "viewer");

        assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
        assertThat(assigned.json().path("source").asString()).isEqualTo("local");
        assertThat(count("SELECT count(*) FROM memberships WHERE user_id = '" + user.id() + "' AND source = 'local'"))
                .isEqualTo(1);
    }

    @Test
    void everyChangeShowsInTheMembersMeOnTheVeryNextRequest() {
        User user = signUp("watcher");
        assertThat(tenantsOf(http.get("/v1/me", user.token()).json())).isEmpty(); // cached now

        assign(admin, tenant, user.id(), "developer");
        assertThat(membershipIn(http.get("/v1/me", user.token()).json(), tenant)
                        .path("role")
                        .asString())
                .isEqualTo("developer");

        assign(admin, tenant, user.id(), "operator");
        assertThat(membershipIn(http.get("/v1/me", user.token()).json(), tenant)
                        .path("role")
                        .asString())
                .isEqualTo("operator");
        assertThat(http.get("/v1/me/role?tenant_id=" + tenant, user.token())
                        .json()
                        .path("role")
                        .asString())
                .isEqualTo("operator");

        http.delete("/v1/tenants/" + tenant + "/members/" + user.id(), admin);
        assertThat(tenantsOf(http.get("/v1/me", user.token()).json())).isEmpty();
        assertProblem(http.get("/v1/me/role?tenant_id=" + tenant, user.token()), 404, "membership_not_found");
        assertProblem(http.get("/v1/tenants/" + tenant, user.token()), 404, "tenant_not_found");
    }

    @Test
    void aTenantAdminCannotHandOutSuperAdmin() {
        User tenantAdmin = member(admin, tenant, "ta", "tenant_admin");
        User user = signUp("climber");

        Http.Response refused = assign(tenantAdmin.token(), tenant, user.id(), "super_admin");
        Http.Response byUrn = assign(tenantAdmin.token(), tenant, user.id(), "role:global:" + SUPER_ADMIN_ID);

        assertProblem(refused, 403, "role_required");
        assertProblem(byUrn, 403, "role_required");
        assertThat(roleSlugInDatabase(user.id(), tenant)).isEqualTo("(none)");
    }

    @Test
    void aTenantAdminCannotChangeOrRevokeASuperAdminButAPlatformAdminCan() {
        User tenantAdmin = member(admin, tenant, "ta", "tenant_admin");
        User superAdmin = member(admin, tenant, "sa", "super_admin");

        Http.Response change = assign(tenantAdmin.token(), tenant, superAdmin.id(), "viewer");
        Http.Response revoke =
                http.delete("/v1/tenants/" + tenant + "/members/" + superAdmin.id(), tenantAdmin.token());

        assertProblem(change, 403, "role_required");
        assertProblem(revoke, 403, "role_required");
        assertThat(roleSlugInDatabase(superAdmin.id(), tenant)).isEqualTo("super_admin");

        assertThat(assign(admin, tenant, superAdmin.id(), "viewer").status()).isEqualTo(200);
        assertThat(roleSlugInDatabase(superAdmin.id(), tenant)).isEqualTo("viewer");
        assertThat(assign(admin, tenant, superAdmin.id(), "super_admin").status())
                .isEqualTo(200);
        assertThat(http.delete("/v1/tenants/" + tenant + "/members/" + superAdmin.id(), admin)
                        .status())
                .isEqualTo(200);
        assertThat(roleSlugInDatabase(superAdmin.id(), tenant)).isEqualTo("(none)");
    }

    @Test
    void aTenantAdminAssignsChangesAndRevokesOtherRolesInTheirTenantOnly() {
        User tenantAdmin = member(admin, tenant, "ta", "tenant_admin");
        String other = createTenant(admin, "other");
        User user = signUp("managed");

        assertThat(assign(tenantAdmin.token(), tenant, user.id(), "operator").status())
                .isEqualTo(201);
        assertThat(assign(tenantAdmin.token(), tenant, user.id(), "tenant_admin")
                        .status())
                .isEqualTo(200);
        assertThat(http.delete("/v1/tenants/" + tenant + "/members/" + user.id(), tenantAdmin.token())
                        .status())
                .isEqualTo(200);
        assertProblem(assign(tenantAdmin.token(), other, user.id(), "viewer"), 404, "tenant_not_found");
        assertThat(roleSlugInDatabase(user.id(), other)).isEqualTo("(none)");
    }

    @Test
    void assignWhenOperatorThen403RoleRequired() {
        User operator = member(admin, tenant, "op", "operator");
        User user = signUp("target");

        assertProblem(assign(operator.token(), tenant, user.id(), "viewer"), 403, "role_required");
        assertThat(roleSlugInDatabase(user.id(), tenant)).isEqualTo("(none)");
    }

    @Test
    void assignWhenTheRoleNameIsUnknownThen400InvalidField() {
        User user = signUp("target");

        assertProblem(assign(admin, tenant, user.id(), "overlord"), 400, "invalid_field");
        assertProblem(assign(admin, tenant, user.id(), "role:global:" + UUID.randomUUID()), 400, "invalid_field");
        assertProblem(assign(admin, tenant, user.id(), "role:tenant:not-a-uuid"), 400, "invalid_field");
        assertThat(roleSlugInDatabase(user.id(), tenant)).isEqualTo("(none)");
    }

    @Test
    void assignWhenTheUserDoesNotExistThen404UserNotFound() {
        String nobody = UUID.randomUUID().toString();

        assertProblem(assign(admin, tenant, nobody, "viewer"), 404, "user_not_found");
        assertThat(count("SELECT count(*) FROM memberships WHERE user_id = '" + nobody + "'"))
                .isZero();
    }

    @Test
    void listWithARoleFilterHasExactTotals() {
        for (int i = 0; i < 3; i++) {
            insertMembership(insertUser("dev" + i + "@example.com"), tenant, DEVELOPER_ID);
        }
        for (int i = 0; i < 2; i++) {
            insertMembership(insertUser("viewer" + i + "@example.com"), tenant, VIEWER_ID);
        }
        insertMembership(insertUser("ta@example.com"), tenant, TENANT_ADMIN_ID);
        String other = createTenant(admin, "other");
        insertMembership(insertUser("elsewhere@example.com"), other, DEVELOPER_ID);

        JsonNode all = http.get("/v1/tenants/" + tenant + "/members", admin).json();
        JsonNode developers = http.get("/v1/tenants/" + tenant + "/members?role=developer", admin)
                .json();
        JsonNode viewersByUrn = http.get(
                        "/v1/tenants/" + tenant + "/members?role=" + enc("role:global:" + VIEWER_ID), admin)
                .json();
        JsonNode operators = http.get("/v1/tenants/" + tenant + "/members?role=operator", admin)
                .json();

        assertThat(all.path("total").asLong()).isEqualTo(6);
        assertThat(all.path("items").size()).isEqualTo(6);
        assertThat(developers.path("total").asLong()).isEqualTo(3);
        assertThat(values(developers, "role")).hasSize(3).containsOnly("developer");
        assertThat(values(developers, "email")).allMatch(e -> e.startsWith("dev"));
        assertThat(viewersByUrn.path("total").asLong()).isEqualTo(2);
        assertThat(values(viewersByUrn, "role")).hasSize(2).containsOnly("viewer");
        assertThat(operators.path("total").asLong()).isZero();
        assertThat(operators.path("items").size()).isZero();
    }

    @Test
    void listWhenPagedWithARoleFilterThenEachMemberOfThatRoleOnce() {
        var developers = new HashSet<String>();
        for (int i = 0; i < 9; i++) {
            String id = insertUser("dev" + i + "@example.com");
            insertMembership(id, tenant, DEVELOPER_ID);
            developers.add(id);
            insertMembership(insertUser("viewer" + i + "@example.com"), tenant, VIEWER_ID);
        }

        List<String> seen = walk("/v1/tenants/" + tenant + "/members?role=developer", admin, 2, "user_id");

        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(developers);
    }

    @Test
    void listWhenMembersAreAddedAndRemovedWhilePagingThenEveryStayingMemberAppearsExactlyOnce() throws Exception {
        Set<String> staying = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            String id = insertUser("stay" + i + "@example.com");
            insertMembership(id, tenant, VIEWER_ID);
            staying.add(id);
        }
        // Members present at the start that leave during the walk, and users who join (and maybe leave) meanwhile.
        var present = new ConcurrentLinkedDeque<String>();
        for (int i = 0; i < 30; i++) {
            String id = insertUser("leave" + i + "@example.com");
            insertMembership(id, tenant, DEVELOPER_ID);
            present.add(id);
        }
        var joiners = new ArrayList<String>();
        for (int i = 0; i < 60; i++) {
            joiners.add(insertUser("join" + i + "@example.com"));
        }
        Collections.shuffle(joiners);
        // The other thread makes a few changes for every page the walker reads: while the walker waits for them
        // and while its next request runs. Paced so that it never runs out of members to add or remove.
        var allowed = new Semaphore(0);
        var changes = new AtomicInteger();
        var failure = new AtomicReference<Throwable>();
        var stop = new AtomicBoolean();
        Thread churn = Thread.ofPlatform().start(() -> {
            try {
                var random = ThreadLocalRandom.current();
                int next = 0;
                while (!stop.get()) {
                    if (!allowed.tryAcquire(20, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    boolean join = next < joiners.size() && (present.isEmpty() || random.nextBoolean());
                    if (join) {
                        String joiner = joiners.get(next++);
                        if (random.nextBoolean()) {
                            Http.Response r = assign(admin, tenant, joiner, "operator");
                            if (r.status() != 201) {
                                throw new AssertionError("assign: " + r.status() + " " + r.body());
                            }
                        } else {
                            insertMembership(joiner, tenant, VIEWER_ID);
                        }
                        present.add(joiner);
                    } else {
                        String leaver = present.pollFirst();
                        if (random.nextBoolean()) {
                            Http.Response r = http.delete("/v1/tenants/" + tenant + "/members/" + leaver, admin);
                            if (r.status() != 200) {
                                throw new AssertionError("revoke: " + r.status() + " " + r.body());
                            }
                        } else {
                            jdbc.sql("DELETE FROM memberships WHERE user_id = CAST(:u AS uuid)")
                                    .param("u", leaver)
                                    .update();
                        }
                    }
                    changes.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });

        var seen = new ArrayList<String>();
        String cursor = null;
        int pages = 0;
        try {
            do {
                Http.Response page = http.get(
                        "/v1/tenants/" + tenant + "/members?limit=7" + (cursor == null ? "" : "&cursor=" + enc(cursor)),
                        admin);
                assertThat(page.status()).as(page.body()).isEqualTo(200);
                assertThat(page.json().path("items").size()).isLessThanOrEqualTo(7);
                seen.addAll(values(page.json(), "user_id"));
                cursor = page.json().path("next_cursor").isNull()
                        ? null
                        : page.json().path("next_cursor").asString();
                pages++;
                int target = changes.get() + 3;
                allowed.release(4);
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> changes.get() >= target || failure.get() != null);
            } while (cursor != null && pages < 100);
        } finally {
            stop.set(true);
            churn.join();
        }

        assertThat(failure.get()).isNull();
        assertThat(pages).isGreaterThan(5);
        assertThat(seen).doesNotHaveDuplicates().containsAll(staying);
        List<String> now = jdbc.sql("SELECT user_id::text FROM memberships WHERE tenant_id = CAST(:t AS uuid)")
                .param("t", tenant)
                .query(String.class)
                .list();
        assertThat(http.get("/v1/tenants/" + tenant + "/members", admin)
                        .json()
                        .path("total")
                        .asLong())
                .isEqualTo(now.size());
        assertThat(walk("/v1/tenants/" + tenant + "/members", admin, 7, "user_id"))
                .containsExactlyInAnyOrderElementsOf(now);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "201", "-1", "abc", "1.5", "99999999999"})
    void listWhenTheLimitIsOutOfRangeOrNotANumberThen400InvalidParameter(String limit) {
        assertProblem(http.get("/v1/tenants/" + tenant + "/members?limit=" + limit, admin), 400, "invalid_parameter");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 200})
    void listWhenTheLimitIsAtTheBoundsThenItIsHonoured(int limit) {
        for (int i = 0; i < 3; i++) {
            insertMembership(insertUser("m" + i + "@example.com"), tenant, VIEWER_ID);
        }

        Http.Response page = http.get("/v1/tenants/" + tenant + "/members?limit=" + limit, admin);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().path("items").size()).isEqualTo(Math.min(limit, 3));
        assertThat(page.json().path("total").asLong()).isEqualTo(3);
    }

    static List<String> cursorsRosterNeverHandsOut() {
        return List.of(
                "not-a-cursor!",
                "%00",
                base64("k1:not-a-uuid"),
                base64("hello"),
                base64("k1:123"), // the shape of an audit cursor
                base64("k1:" + UUID.randomUUID() + "' OR 1=1 --"));
    }

    static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @MethodSource("cursorsRosterNeverHandsOut")
    void listWhenTheCursorWasNotHandedOutThen400InvalidParameter(String cursor) {
        insertMembership(insertUser("m@example.com"), tenant, VIEWER_ID);

        assertProblem(http.get("/v1/tenants/" + tenant + "/members?cursor=" + cursor, admin), 400, "invalid_parameter");
    }

    @Test
    void listWhenMemberOfAnyRoleThenAllowedAndWhenOutsiderThen404() {
        User viewer = member(admin, tenant, "viewer-1", "viewer");
        User outsider = signUp("outsider");

        assertThat(http.get("/v1/tenants/" + tenant + "/members", viewer.token())
                        .status())
                .isEqualTo(200);
        assertProblem(http.get("/v1/tenants/" + tenant + "/members", outsider.token()), 404, "tenant_not_found");
    }
}
