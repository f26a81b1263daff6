package dev.roster.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Role sync against a REST directory (WireMock, real HTTP faults): what a refresh schedules, what an admin forces,
 * and the guards. Users sign in through the OIDC provider (their roles claim applies at once); the directory, asked
 * with their subject, is the source for every later pull.
 */
class DirectorySyncTests extends IntegrationTest {

    @DynamicPropertySource
    static void directory(DynamicPropertyRegistry registry) {
        DirectoryStub.register(registry);
    }

    private String admin;

    @org.springframework.beans.factory.annotation.Autowired
    private Sweep sweep;

    @BeforeEach
    void resetDirectory() {
        DirectoryStub.reset();
        DirectoryStub.knowsThePlatformAdmin();
        admin = signInAsPlatformAdmin();
    }

    // ---- helpers

    private record Session(String userId, String access, String refresh) {}

    private Session signInHolding(String subject, Object... roleTenantPairs) {
        JsonNode tokens = signIn(subject, subject + "@example.com", roles(roleTenantPairs));
        return new Session(
                userId(subject + "@example.com"),
                tokens.path("access_token").asString(),
                tokens.path("refresh_token").asString());
    }

    /** As if the roles were synced an hour ago; the cached views forget them, as a real change would make them. */
    private void rolesGrowOld(String userId) {
        jdbc.sql("UPDATE users SET last_roles_sync_at = now() - interval '1 hour' WHERE id = CAST(:id AS uuid)")
                .param("id", userId)
                .update();
        assertThat(http.delete("/v1/users/" + userId + "/cache", admin).status())
                .isEqualTo(204);
    }

    private Http.Response refresh(String refreshToken) {
        return http.postForm("/v1/auth/token", Http.form("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    /** The user's memberships as {@code tenant-external-id=role}, in no particular order. */
    private List<String> memberships(String userId) {
        return jdbc.sql("""
                        SELECT t.external_id || '=' || r.slug FROM memberships m
                        JOIN tenants t ON t.id = m.tenant_id JOIN roles r ON r.id = m.role_id
                        WHERE m.user_id = CAST(:id AS uuid)""").param("id", userId).query(String.class).list();
    }

    private JsonNode forceSync(String body) {
        Http.Response response = http.postJson("/v1/users/sync", admin, body, Map.of());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private JsonNode forceSync(String userId, boolean dryRun) {
        return forceSync("{\"user_ids\":[\"" + userId + "\"],\"force\":true,\"dry_run\":" + dryRun + "}")
                .path("results")
                .get(0);
    }

    // ---- the seed's cases

    @Test
    void aRefreshWithStaleRolesSyncsInTheBackgroundAndMeShowsTheChange() {
        Session s = signInHolding("ref-1", "viewer", "acme");
        DirectoryStub.holds("ref-1", "ref-1@example.com", "developer", "acme");
        rolesGrowOld(s.userId());

        Http.Response refreshed = refresh(s.refresh());

        assertThat(refreshed.status()).isEqualTo(200);
        String access = refreshed.json().path("access_token").asString();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> http.get("/v1/me", access)
                        .json()
                        .path("memberships")
                        .get(0)
                        .path("role")
                        .asString()
                        .equals("developer"));
        assertThat(jdbc.sql(
                                "SELECT last_roles_sync_at > now() - interval '1 minute' FROM users WHERE id = CAST(:id AS uuid)")
                        .param("id", s.userId())
                        .query(Boolean.class)
                        .single())
                .isTrue();
        assertThat(jdbc.sql("SELECT action FROM audit_log WHERE target LIKE :t ORDER BY id")
                        .param("t", "membership:" + s.userId() + ":%")
                        .query(String.class)
                        .list())
                .containsExactly("membership.added", "membership.changed");
    }

    @Test
    void aFirstSignInWithoutRolesAsksTheDirectoryAtOnce() {
        DirectoryStub.holds("first-1", "first-1@example.com", "developer", "acme");

        signIn("first-1", "first-1@example.com");

        String id = userId("first-1@example.com");
        await().atMost(Duration.ofSeconds(10)).until(() -> memberships(id).equals(List.of("acme=developer")));
    }

    @Test
    void theSweepLeavesAUserWhosePullFailedUntilItsNextRun() {
        Session s = signInHolding("swf-1", "viewer", "acme");
        DirectoryStub.answer("swf-1", aResponse().withStatus(500));
        jdbc.sql("UPDATE users SET last_roles_sync_at = now() - interval '13 hours' WHERE id = CAST(:id AS uuid)")
                .param("id", s.userId())
                .update();
        jdbc.sql("UPDATE users SET last_roles_sync_at = now() WHERE id <> CAST(:id AS uuid)")
                .param("id", s.userId())
                .update();
        jdbc.sql("UPDATE sync_jobs SET holder = NULL, lease_until = NULL, last_started_at = NULL")
                .update();

        Sweep.Report report = sweep.runIfDue().orElseThrow();

        assertThat(report.outcomes()).containsEntry(SyncOutcome.UPSTREAM_ERROR, 1);
        // Held for the sweep interval (10 min by default), not the 0 s error back-off of these tests.
        assertThat(jdbc.sql("SELECT sync_claimed_until > now() + interval '9 minutes' FROM users"
                                + " WHERE id = CAST(:id AS uuid)")
                        .param("id", s.userId())
                        .query(Boolean.class)
                        .single())
                .isTrue();

        // An operator need not wait that out: a force-sync takes the claim over.
        DirectoryStub.holds("swf-1", "swf-1@example.com", "developer", "acme");
        JsonNode forced = forceSync(s.userId(), false);
        assertThat(forced.path("outcome").asString()).as(forced.toString()).isEqualTo("changed");
        assertThat(memberships(s.userId())).containsExactly("acme=developer");
    }

    /** Runs {@code work} while PostgreSQL itself refuses any write to {@code userId}'s memberships. */
    private <T> T whileTheDatabaseRefusesMembershipsOf(String userId, java.util.function.Supplier<T> work) {
        jdbc.sql("""
                CREATE FUNCTION refuse_for_the_test() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'refused for the test'; END $$""").update();
        jdbc.sql("CREATE TRIGGER refuse_for_the_test BEFORE INSERT OR UPDATE ON memberships FOR EACH ROW"
                        + " WHEN (NEW.user_id = '" + userId + "') EXECUTE FUNCTION refuse_for_the_test()")
                .update();
        try {
            return work.get();
        } finally {
            jdbc.sql("DROP TRIGGER refuse_for_the_test ON memberships").update();
            jdbc.sql("DROP FUNCTION refuse_for_the_test()").update();
        }
    }

    /** Only {@code userIds} are stale (13 h), and the sweep is due. */
    private void onlyTheseAreStale(List<String> userIds) {
        jdbc.sql("UPDATE users SET last_roles_sync_at = CASE WHEN id = ANY (CAST(:ids AS uuid[]))"
                        + " THEN now() - interval '13 hours' ELSE now() END")
                .param("ids", userIds.toArray(String[]::new))
                .update();
        jdbc.sql("UPDATE sync_jobs SET holder = NULL, lease_until = NULL, last_started_at = NULL")
                .update();
    }

    private String column(String userId, String column) {
        return jdbc.sql("SELECT (" + column + ")::text FROM users WHERE id = CAST(:id AS uuid)")
                .param("id", userId)
                .query(String.class)
                .optional()
                .orElse(null);
    }

    @Test
    void theSweepAppliesABatchsAnswersTogetherAsEachAloneWould() {
        Session changed = signInHolding("swb-1", "viewer", "acme");
        Session gone = signInHolding("swb-2", "viewer", "acme");
        Session quiet = signInHolding("swb-3", "viewer", "acme");
        DirectoryStub.holds("swb-1", "swb-1@example.com", "developer", "acme", "viewer", "globex");
        DirectoryStub.gone("swb-2");
        // No organization in this answer: the stored one stays; the name fields it leaves out too.
        DirectoryStub.answer("swb-3", okJson("""
                        {"id": "swb-3", "email": "swb-3@example.com", "is_active": true,
                         "roles": [{"role": "viewer", "on": {"tenant": "acme"}}]}"""));
        jdbc.sql("UPDATE users SET division = 'Sales', first_name = 'Kept' WHERE id = CAST(:id AS uuid)")
                .param("id", quiet.userId())
                .update();
        onlyTheseAreStale(List.of(changed.userId(), gone.userId(), quiet.userId()));

        Sweep.Report report = sweep.runIfDue().orElseThrow();

        assertThat(report.claimed()).isEqualTo(3);
        // The third changes too: the directory vouches for its address as the sign-in's token did not.
        assertThat(report.outcomes()).isEqualTo(Map.of(SyncOutcome.CHANGED, 3));
        assertThat(memberships(changed.userId())).containsExactlyInAnyOrder("acme=developer", "globex=viewer");
        assertThat(column(changed.userId(), "first_name")).isEqualTo("First");
        assertThat(column(changed.userId(), "division")).isEqualTo("Engineering");
        assertThat(column(gone.userId(), "is_active")).isEqualTo("false");
        assertThat(memberships(gone.userId())).containsExactly("acme=viewer");
        assertThat(column(quiet.userId(), "division")).isEqualTo("Sales");
        assertThat(column(quiet.userId(), "first_name")).isEqualTo("Kept");
        assertThat(memberships(quiet.userId())).containsExactly("acme=viewer");
        for (String id : List.of(changed.userId(), gone.userId(), quiet.userId())) {
            assertThat(column(id, "last_roles_sync_at::timestamptz > now() - interval '1 minute'"))
                    .isEqualTo("true");
            assertThat(column(id, "sync_claimed_until")).isNull();
        }
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE target LIKE :t")
                        .param("t", "membership:" + changed.userId() + ":%")
                        .query(Integer.class)
                        .single())
                .isEqualTo(3); // the sign-in's addition, then the sweep's change and addition

        // The same answers again change nothing: no profile, membership or account moves.
        onlyTheseAreStale(List.of(changed.userId(), gone.userId(), quiet.userId()));
        assertThat(sweep.runIfDue().orElseThrow().outcomes()).isEqualTo(Map.of(SyncOutcome.UNCHANGED, 3));
    }

    @Test
    void oneUserTheDatabaseRefusesCostsTheRestOfTheSweepsBatchNothing() {
        Session ok = signInHolding("swx-1", "viewer", "acme");
        Session broken = signInHolding("swx-2", "viewer", "acme");
        DirectoryStub.holds("swx-1", "swx-1@example.com", "developer", "acme");
        DirectoryStub.holds("swx-2", "swx-2@example.com", "developer", "acme");
        onlyTheseAreStale(List.of(ok.userId(), broken.userId()));
        Sweep.Report report = whileTheDatabaseRefusesMembershipsOf(
                broken.userId(), () -> sweep.runIfDue().orElseThrow());

        assertThat(report.outcomes()).containsEntry(SyncOutcome.CHANGED, 1).containsEntry(SyncOutcome.FAILED, 1);
        assertThat(memberships(ok.userId())).containsExactly("acme=developer");
        assertThat(memberships(broken.userId())).containsExactly("acme=viewer");
        // Left for the next run, as an upstream failure would be.
        assertThat(column(broken.userId(), "sync_claimed_until::timestamptz > now() + interval '9 minutes'"))
                .isEqualTo("true");
    }

    @Test
    void aRefreshWithFreshRolesAsksTheDirectoryNothing() {
        Session s = signInHolding("fresh-1", "viewer", "acme");
        DirectoryStub.holds("fresh-1", "fresh-1@example.com", "developer", "acme");

        assertThat(refresh(s.refresh()).status()).isEqualTo(200);

        JsonNode result = forceSync("{\"user_ids\":[\"" + s.userId() + "\"]}")
                .path("results")
                .get(0);
        assertThat(result.path("outcome").asString()).isEqualTo("skipped_ttl");
        assertThat(DirectoryStub.fetches("fresh-1")).isZero();
        assertThat(memberships(s.userId())).containsExactly("acme=viewer");
    }

    @Test
    void theSameRolesInAnotherOrderAreUnchanged() {
        Session s = signInHolding("ord-1", "viewer", "acme", "developer", "globex");
        DirectoryStub.holds("ord-1", "ord-1@example.com", "viewer", "acme", "developer", "globex");
        // The first pull brings the directory's profile (organization fields the token lacked).
        assertThat(forceSync(s.userId(), false).path("diff").path("added")).isEmpty();
        DirectoryStub.holds("ord-1", "ord-1@example.com", "developer", "globex", "viewer", "acme");
        // The user's own rows only: background work of earlier tests may still audit something of theirs.
        String ofTheUser = "SELECT count(*) FROM audit_log WHERE target LIKE '%" + s.userId() + "%'";
        long auditBefore = jdbc.sql(ofTheUser).query(Long.class).single();

        JsonNode result = forceSync(s.userId(), false);

        assertThat(result.path("outcome").asString()).isEqualTo("unchanged");
        assertThat(jdbc.sql(ofTheUser).query(Long.class).single()).isEqualTo(auditBefore);
    }

    @Test
    void aRoleWhoseScopeMovesToAnotherUnitLeavesTheOldUnit() {
        Session s = signInHolding("move-1", "developer", "unit1");
        DirectoryStub.holds("move-1", "move-1@example.com", "developer", "unit2");

        JsonNode result = forceSync(s.userId(), false);

        assertThat(result.path("outcome").asString()).isEqualTo("changed");
        assertThat(result.path("diff").path("added").get(0).path("tenant").asString())
                .isEqualTo("unit2");
        assertThat(result.path("diff").path("removed").get(0).path("tenant").asString())
                .isEqualTo("unit1");
        assertThat(memberships(s.userId())).containsExactly("unit2=developer");
        assertThat(result.path("diff").propertyNames()).containsExactly("added", "changed", "removed");
    }

    @Test
    void severalRolesOnOneTenantKeepTheStrongestAndAnUnknownTenantIsCreated() {
        Session s = signInHolding("prio-1", "viewer", "acme");
        DirectoryStub.holds(
                "prio-1", "prio-1@example.com", "viewer", "acme", "operator", "acme", "viewer", "brand-new-unit");

        assertThat(forceSync(s.userId(), false).path("outcome").asString()).isEqualTo("changed");

        assertThat(memberships(s.userId())).containsExactlyInAnyOrder("acme=operator", "brand-new-unit=viewer");
        assertThat(jdbc.sql("SELECT count(*) FROM tenants WHERE external_id = 'brand-new-unit'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void localMembershipsAreNeverTouchedByAPull() {
        Session s = signInHolding("loc-1", "viewer", "acme", "viewer", "globex");
        String local = createTenant(admin, "local-team");
        assertThat(assign(admin, local, s.userId(), "operator").status()).isEqualTo(201);
        // The upstream also names the local team (by no external id Roster knows) and changes acme.
        DirectoryStub.holds("loc-1", "loc-1@example.com", "developer", "acme", "viewer", "globex");

        forceSync(s.userId(), false);

        assertThat(memberships(s.userId())).contains("acme=developer", "globex=viewer");
        assertThat(jdbc.sql("SELECT r.slug || '/' || m.source FROM memberships m JOIN roles r ON r.id = m.role_id"
                                + " WHERE m.tenant_id = CAST(:t AS uuid)")
                        .param("t", local)
                        .query(String.class)
                        .single())
                .isEqualTo("operator/local");
    }

    @Test
    void membershipsASCIMClientProvisionedAreLeftAloneByPullsAndSignIns() {
        Session s = signInHolding("scim-1", "viewer", "acme", "developer", "globex", "viewer", "initech");
        String acme = tenantIdByExternalId("acme");
        String globex = tenantIdByExternalId("globex");
        String partners = createTenant(admin, "partners"); // no external id: no directory can name it
        Http.Response created = http.postJson(
                "/v1/scim-clients",
                admin,
                "{\"name\":\"Entra\",\"tenant_ids\":[\"" + acme + "\",\"" + globex + "\",\"" + partners + "\"]}",
                Map.of());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String scim = created.json().path("token").asString();
        String developer = "00000000-0000-0000-0000-000000000104";
        // A group member in a tenant of Roster's own; one over the directory's acme membership with another role,
        // one over its globex membership with the same role: SCIM's is the newer, more explicit word, and takes
        // both rows over.
        for (String tenant : List.of(partners, acme, globex)) {
            Http.Response added =
                    http.patchJson("/scim/v2/Groups/" + tenant + ":" + developer, scim, """
                    {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                     "Operations":[{"op":"add","path":"members","value":[{"value":"%s"}]}]}
                    """.formatted(s.userId()));
            assertThat(added.status()).as(added.body()).isEqualTo(200);
        }
        // The directory names none of them now, and moves initech: a pull applies initech only.
        DirectoryStub.holds("scim-1", "scim-1@example.com", "developer", "initech");

        JsonNode result = forceSync(s.userId(), false);

        assertThat(result.path("outcome").asString()).as(result.toString()).isEqualTo("changed");
        assertThat(sources(s.userId()))
                .containsExactlyInAnyOrder(
                        "acme=developer/scim",
                        "globex=developer/scim",
                        "partners=developer/scim",
                        "initech=developer/upstream");

        // A sign-in's roles claim reconciles the same way: it names acme again, and SCIM's word still stands there.
        signIn("scim-1", "scim-1@example.com", roles("viewer", "acme", "viewer", "initech"));

        assertThat(sources(s.userId()))
                .containsExactlyInAnyOrder(
                        "acme=developer/scim",
                        "globex=developer/scim",
                        "partners=developer/scim",
                        "initech=viewer/upstream");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE target = :t")
                        .param("t", "membership:" + s.userId() + ":" + partners)
                        .query(Integer.class)
                        .single())
                .isEqualTo(1); // SCIM's addition; no pull or sign-in touched it
    }

    /** The user's memberships as {@code tenant-slug=role/source}. */
    private List<String> sources(String userId) {
        return jdbc.sql("""
                        SELECT t.slug || '=' || r.slug || '/' || m.source FROM memberships m
                        JOIN tenants t ON t.id = m.tenant_id JOIN roles r ON r.id = m.role_id
                        WHERE m.user_id = CAST(:id AS uuid)""").param("id", userId).query(String.class).list();
    }

    @Test
    void aPullDoesNotAddAnyoneToATenantDeletedInRoster() {
        Session s = signInHolding("del-1", "viewer", "acme");
        signInHolding("del-2", "viewer", "globex"); // Roster learns globex
        String globex = jdbc.sql("SELECT id::text FROM tenants WHERE external_id = 'globex'")
                .query(String.class)
                .single();
        assertThat(http.delete("/v1/tenants/" + globex, admin).status()).isEqualTo(200);
        DirectoryStub.holds("del-1", "del-1@example.com", "viewer", "acme", "developer", "globex");

        JsonNode result = forceSync(s.userId(), false);

        assertThat(result.path("diff").path("added")).as(result.toString()).isEmpty();
        assertThat(memberships(s.userId())).containsExactly("acme=viewer");
    }

    @Test
    void aPullThatSaysNothingAboutRolesKeepsThemAndCountsAsSynced() {
        Session s = signInHolding("quiet-1", "viewer", "acme");
        rolesGrowOld(s.userId());
        DirectoryStub.answer(
                "quiet-1", okJson("{\"id\": \"quiet-1\", \"email\": \"quiet-1@example.com\", \"is_active\": true}"));

        JsonNode result = forceSync("{\"user_ids\":[\"" + s.userId() + "\"]}")
                .path("results")
                .get(0);

        assertThat(result.path("outcome").asString()).isIn("changed", "unchanged");
        assertThat(memberships(s.userId())).containsExactly("acme=viewer");
        assertThat(jdbc.sql("""
                        SELECT last_roles_sync_at > now() - interval '1 minute' AND sync_claimed_until IS NULL
                        FROM users WHERE id = CAST(:id AS uuid)""").param("id", s.userId()).query(Boolean.class).single())
                .isTrue();
    }

    @Test
    void anUnchangedSyncStillShowsItsTimeInMe() {
        Session s = signInHolding("seen-1", "viewer", "acme");
        DirectoryStub.holds("seen-1", "seen-1@example.com", "viewer", "acme");
        forceSync(s.userId(), false); // the directory's profile
        String before =
                http.get("/v1/me", s.access()).json().path("last_roles_sync_at").asString();

        assertThat(forceSync(s.userId(), false).path("outcome").asString()).isEqualTo("unchanged");

        String after =
                http.get("/v1/me", s.access()).json().path("last_roles_sync_at").asString();
        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void anAnswerAboutSomeoneElseIsAnUpstreamError() {
        Session s = signInHolding("mis-1", "viewer", "acme");
        DirectoryStub.answer(
                "mis-1", okJson(DirectoryStub.user("someone-else", "else@example.com", true, "super_admin", "acme")));

        JsonNode result = forceSync(s.userId(), false);

        assertThat(result.path("outcome").asString()).isEqualTo("upstream_error");
        assertThat(result.path("detail").asString()).startsWith("malformed: ");
        assertThat(jdbc.sql("SELECT count(*) FROM users WHERE external_id = 'someone-else'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aPullNeverMakesABootstrapAdminOnlyASignInDoes() {
        Session s = signInHolding("boot-1", "viewer", "acme");
        // The directory's record now carries a bootstrap admin's address (verified, as a directory's are).
        DirectoryStub.holds("boot-1", dev.roster.support.TestInfrastructure.ADMIN_EMAIL, "viewer", "acme");

        forceSync(s.userId(), false);

        assertThat(jdbc.sql("SELECT count(*) FROM memberships WHERE user_id = CAST(:id AS uuid)"
                                + " AND tenant_id = '00000000-0000-0000-0000-000000000000'")
                        .param("id", s.userId())
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aLeaverListedInactiveWithNoRolesIsDeactivatedAndKeepsTheMembershipsOnRecord() {
        Session s = signInHolding("leaver-1", "viewer", "acme", "developer", "globex");
        DirectoryStub.answer("leaver-1", okJson(DirectoryStub.user("leaver-1", "leaver-1@example.com", false)));

        JsonNode result = forceSync(s.userId(), false);

        assertThat(result.path("outcome").asString()).isEqualTo("changed");
        assertThat(memberships(s.userId())).containsExactlyInAnyOrder("acme=viewer", "globex=developer");
        assertThat(jdbc.sql("""
                        SELECT NOT is_active AND deactivated_by = 'upstream'
                               AND last_roles_sync_at > now() - interval '1 minute'
                        FROM users WHERE id = CAST(:id AS uuid)""").param("id", s.userId()).query(Boolean.class).single())
                .isTrue();
        assertThat(http.get("/v1/me", s.access()).status()).isEqualTo(401);
    }

    // ---- guards

    @Test
    void swappingMostOfAUsersMembershipsForOthersIsRefused() {
        Session s = signInHolding("swap-1", "viewer", "t1", "viewer", "t2", "viewer", "t3");
        DirectoryStub.holds("swap-1", "swap-1@example.com", "viewer", "x1", "viewer", "x2", "viewer", "x3");

        JsonNode result = forceSync(s.userId(), false);

        assertThat(result.path("outcome").asString()).isEqualTo("refused");
        assertThat(memberships(s.userId())).containsExactlyInAnyOrder("t1=viewer", "t2=viewer", "t3=viewer");
        assertThat(jdbc.sql("SELECT count(*) FROM tenants WHERE external_id LIKE 'x%'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void anEmptyAnswerForAUserWithRolesIsRefusedAndChangesNothing() {
        Session s = signInHolding("empty-1", "viewer", "acme", "developer", "globex");
        DirectoryStub.holds("empty-1", "empty-1@example.com");

        JsonNode result = forceSync(s.userId(), false);

        assertThat(result.path("outcome").asString()).isEqualTo("refused");
        assertThat(result.path("detail").asString()).contains("no roles");
        assertThat(memberships(s.userId())).containsExactlyInAnyOrder("acme=viewer", "globex=developer");
    }

    @Test
    void aMassRemovalIsRefusedADryRunShowsItAndAnOperatorMayAcceptIt() {
        Session s = signInHolding("mass-1", "viewer", "t1", "viewer", "t2", "viewer", "t3", "viewer", "t4");
        DirectoryStub.holds("mass-1", "mass-1@example.com", "viewer", "t1");

        JsonNode refused = forceSync(s.userId(), false);
        assertThat(refused.path("outcome").asString()).isEqualTo("refused");
        assertThat(memberships(s.userId())).hasSize(4);

        JsonNode dryRun = forceSync("{\"user_ids\":[\"" + s.userId()
                        + "\"],\"force\":true,\"dry_run\":true,\"accept_removals\":true}")
                .path("results")
                .get(0);
        assertThat(dryRun.path("outcome").asString()).isEqualTo("changed");
        assertThat(dryRun.path("diff").path("removed")).hasSize(3);
        assertThat(memberships(s.userId())).hasSize(4);

        JsonNode accepted = forceSync("{\"user_ids\":[\"" + s.userId() + "\"],\"force\":true,\"accept_removals\":true}")
                .path("results")
                .get(0);
        assertThat(accepted.path("outcome").asString()).isEqualTo("changed");
        assertThat(memberships(s.userId())).containsExactly("t1=viewer");
    }

    @Test
    void ourKeyRefusedIsRefusedAndNeverAReasonToChangeData() {
        Session s = signInHolding("key-1", "viewer", "acme");
        DirectoryStub.answer("key-1", aResponse().withStatus(401));

        JsonNode result = forceSync(s.userId(), false);

        assertThat(result.path("outcome").asString()).isEqualTo("refused");
        assertThat(memberships(s.userId())).containsExactly("acme=viewer");
        assertThat(DirectoryStub.fetches("key-1")).isEqualTo(1);
        assertThat(result.path("detail").asString()).startsWith("unauthorized: ");
    }

    @Test
    void serverErrorsResetsTimeoutsAndMalformedAnswersChangeNothing() {
        Session s = signInHolding("fault-1", "viewer", "acme");
        var faults = List.of(
                aResponse().withStatus(500),
                aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
                okJson(DirectoryStub.user("fault-1", "fault-1@example.com", true, "developer", "acme"))
                        .withFixedDelay(3000),
                okJson("{\"id\": \"fault-1\", \"roles\": "),
                okJson("[1, 2, 3]"));
        for (var fault : faults) {
            DirectoryStub.answer("fault-1", fault);

            JsonNode result = forceSync(s.userId(), false);

            assertThat(result.path("outcome").asString())
                    .as(fault.build().toString())
                    .isEqualTo("upstream_error");
            assertThat(memberships(s.userId())).containsExactly("acme=viewer");
        }
    }

    @Test
    void anUpstreamTakingASecondDoesNotDelayTheRefreshAndItsSyncLandsLater() {
        Session s = signInHolding("slow-1", "viewer", "acme");
        DirectoryStub.answer(
                "slow-1",
                okJson(DirectoryStub.user("slow-1", "slow-1@example.com", true, "operator", "acme"))
                        .withFixedDelay(1000));
        rolesGrowOld(s.userId());

        Http.Response refreshed = refresh(s.refresh());

        // Answered while the directory is still holding the sync's request: the refresh did not wait for it.
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(memberships(s.userId())).containsExactly("acme=viewer");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> memberships(s.userId()).equals(List.of("acme=operator")));
    }

    @Test
    void aSignInWhileAPullIsInFlightWinsAndThePullsOlderAnswerIsNotApplied() throws Exception {
        Session s = signInHolding("race-1", "viewer", "acme");
        DirectoryStub.answer(
                "race-1",
                okJson(DirectoryStub.user("race-1", "race-1@example.com", true, "operator", "acme"))
                        .withFixedDelay(1500));
        var pull = CompletableFuture.supplyAsync(() -> forceSync(s.userId(), false));
        await().atMost(Duration.ofSeconds(5)).until(() -> DirectoryStub.fetches("race-1") == 1);

        // While the directory holds the pull's request, the user signs in: the token's roles are the newer word.
        signIn("race-1", "race-1@example.com", roles("developer", "acme"));
        JsonNode result = pull.get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(result.path("outcome").asString()).as(result.toString()).isEqualTo("skipped_ttl");
        assertThat(result.path("detail").asString()).contains("a newer sync of the user came first");
        assertThat(memberships(s.userId())).containsExactly("acme=developer");
    }

    @Test
    void concurrentRefreshesOfOneUserMakeOneUpstreamCall() throws Exception {
        Session s = signInHolding("conc-1", "viewer", "acme");
        // A second session of the same user, so two refresh tokens can race.
        JsonNode other = signIn("conc-1", "conc-1@example.com", roles("viewer", "acme"));
        DirectoryStub.answer(
                "conc-1",
                okJson(DirectoryStub.user("conc-1", "conc-1@example.com", true, "developer", "acme"))
                        .withFixedDelay(300));
        rolesGrowOld(s.userId());

        var a = CompletableFuture.supplyAsync(() -> refresh(s.refresh()));
        var b = CompletableFuture.supplyAsync(
                () -> refresh(other.path("refresh_token").asString()));
        assertThat(a.get().status()).isEqualTo(200);
        assertThat(b.get().status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> memberships(s.userId()).equals(List.of("acme=developer")));
        // Both refreshes saw stale roles; more syncs of this user cannot start now that they are fresh.
        assertThat(refresh(a.get().json().path("refresh_token").asString()).status())
                .isEqualTo(200);
        Thread.sleep(300);
        assertThat(DirectoryStub.fetches("conc-1")).isEqualTo(1);
    }

    // ---- deprovisioning

    @Test
    void aUserTheDirectoryNoLongerKnowsIsDeactivatedKeepsMembershipsAndReturnsWhenActiveAgain() {
        Session s = signInHolding("gone-1", "viewer", "acme");
        DirectoryStub.gone("gone-1");

        JsonNode result = forceSync(s.userId(), false);

        assertThat(result.path("outcome").asString()).isEqualTo("changed");
        assertThat(http.get("/v1/me", s.access()).status()).isEqualTo(401);
        assertThat(memberships(s.userId())).containsExactly("acme=viewer");
        assertThat(jdbc.sql("SELECT is_active FROM users WHERE id = CAST(:id AS uuid)")
                        .param("id", s.userId())
                        .query(Boolean.class)
                        .single())
                .isFalse();

        DirectoryStub.holds("gone-1", "gone-1@example.com", "viewer", "acme");
        assertThat(forceSync(s.userId(), false).path("outcome").asString()).isEqualTo("changed");
        assertThat(signIn("gone-1", "gone-1@example.com", roles("viewer", "acme"))
                        .path("access_token")
                        .isString())
                .isTrue();
    }

    @Test
    void anAdminsDeactivationIsNotUndoneByTheUpstream() {
        Session s = signInHolding("adm-1", "viewer", "acme");
        assertThat(http.post("/v1/users/" + s.userId() + ":deactivate", admin).status())
                .isEqualTo(200);
        DirectoryStub.holds("adm-1", "adm-1@example.com", "viewer", "acme");

        forceSync(s.userId(), false);

        assertThat(jdbc.sql("SELECT is_active FROM users WHERE id = CAST(:id AS uuid)")
                        .param("id", s.userId())
                        .query(Boolean.class)
                        .single())
                .isFalse();
    }

    @Test
    void manyUsersGoneAtOnceIsAnOutageNotAMassDeletion() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(signInHolding("out-" + i, "viewer", "acme").userId());
            DirectoryStub.gone("out-" + i);
        }
        StringBuilder body = new StringBuilder("{\"force\":true,\"user_ids\":[");
        for (int i = 0; i < ids.size(); i++) {
            body.append(i == 0 ? "" : ",").append('"').append(ids.get(i)).append('"');
        }
        JsonNode answer = forceSync(body.append("]}").toString());

        // roster.sync.max-deprovisions-per-hour is 3 in these tests.
        assertThat(answer.path("synced_count").asInt()).isEqualTo(3);
        assertThat(answer.path("failed_count").asInt()).isEqualTo(2);
        assertThat(inactive("out-%")).isEqualTo(3);

        // An hour later the directory still answers 404: the guard stays shut while it keeps being refused, so a
        // long outage deactivates no more than a short one.
        jdbc.sql("UPDATE users SET deactivated_at = deactivated_at - interval '2 hours' WHERE email LIKE 'out-%'")
                .update();
        JsonNode later = forceSync(body.toString());
        assertThat(later.path("results").findValuesAsString("outcome")).containsOnly("unchanged", "refused");
        assertThat(later.path("results").get(3).path("detail").asString()).contains("the guard stays shut");
        assertThat(inactive("out-%")).isEqualTo(3);

        // An hour after its last refusal (the directory answered again meanwhile), it opens.
        jdbc.sql("UPDATE sync_guards SET tripped_until = now() - interval '1 second'")
                .update();
        assertThat(forceSync(body.toString()).path("synced_count").asInt()).isEqualTo(5);
        assertThat(inactive("out-%")).isEqualTo(5);
    }

    private long inactive(String emailPattern) {
        return jdbc.sql("SELECT count(*) FROM users WHERE email LIKE :p AND NOT is_active")
                .param("p", emailPattern)
                .query(Long.class)
                .single();
    }

    // ---- search with upstream fallback

    private static void searchAnswers(String q, String body, int delayMillis) {
        DirectoryStub.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/api/v1/users/search"))
                .withQueryParam("q", com.github.tomakehurst.wiremock.client.WireMock.equalTo(q))
                .willReturn(okJson(body).withFixedDelay(delayMillis)));
    }

    @Test
    void aShortSearchAsksTheDirectoryUpsertsWhatItFindsAndSaysSo() {
        searchAnswers("zed", "{\"users\": [" + DirectoryStub.user("zed-1", "zed@example.com", true) + "]}", 0);

        JsonNode page = http.get("/v1/users?q=zed", admin).json();

        assertThat(page.path("source").asString()).isEqualTo("local+upstream");
        assertThat(page.path("upstream").asString()).isEqualTo("answered");
        assertThat(page.path("items").findValuesAsString("email")).containsExactly("zed@example.com");
        assertThat(page.path("total").asLong()).isEqualTo(1);
        assertThat(page.path("stale_as_of").isString()).isTrue();
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE action = 'user.provisioned'"
                                + " AND after->>'external_id' = 'zed-1'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);

        // Asked again, the directory has nothing Roster lacks: no second search, no change.
        JsonNode again = http.get("/v1/users?q=zed", admin).json();
        assertThat(again.path("upstream").asString()).isEqualTo("answered");
        assertThat(again.path("source").asString()).isEqualTo("local");
        assertThat(again.path("items").findValuesAsString("email")).containsExactly("zed@example.com");
    }

    @Test
    void aSlowDirectoryIsSkippedAndItsLateAnswerStillLands() {
        searchAnswers("yves", "{\"users\": [" + DirectoryStub.user("yves-1", "yves@example.com", true) + "]}", 1000);

        JsonNode page = http.get("/v1/users?q=yves", admin).json();

        assertThat(page.path("source").asString()).isEqualTo("local");
        assertThat(page.path("upstream").asString()).isEqualTo("skipped");
        assertThat(page.path("items")).isEmpty();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> http.get("/v1/users?q=yves", admin)
                        .json()
                        .path("items")
                        .findValuesAsString("email")
                        .contains("yves@example.com"));
    }

    @Test
    void aFullLocalPageAFilteredSearchOrATenantAdminsSearchDoesNotAskTheDirectory() {
        Session tenantAdmin = signInHolding("ta-1", "tenant_admin", "acme");

        JsonNode byTenantAdmin =
                http.get("/v1/users?q=zed", tenantAdmin.access()).json();
        JsonNode full = http.get("/v1/users?q=root-admin&limit=1", admin).json();
        JsonNode filtered =
                http.get("/v1/users?q=zed&department=Platform", admin).json();

        assertThat(byTenantAdmin.path("upstream").asString()).isEqualTo("not_asked");
        assertThat(filtered.path("upstream").asString()).isEqualTo("not_asked");
        assertThat(full.path("upstream").asString()).isEqualTo("not_asked");
        assertThat(DirectoryStub.server.getAllServeEvents())
                .noneMatch(e -> e.getRequest().getUrl().startsWith("/api/v1/users/search"));
    }

    // ---- admin endpoints

    @Test
    void anExternalIdRosterDoesNotKnowIsProvisionedFromTheDirectory() {
        DirectoryStub.holds("new-1", "new-1@example.com", "developer", "acme");

        JsonNode answer = forceSync("{\"external_ids\":[\"new-1\"]}");

        assertThat(answer.path("synced_count").asInt()).isEqualTo(1);
        String userId = answer.path("results").get(0).path("user_id").asString();
        assertThat(memberships(userId)).containsExactly("acme=developer");
        assertThat(jdbc.sql("SELECT division FROM users WHERE id = CAST(:id AS uuid)")
                        .param("id", userId)
                        .query(String.class)
                        .single())
                .isEqualTo("Engineering");
    }

    @Test
    void syncsAreCountedByOutcomeAndTrigger() {
        Session s = signInHolding("met-1", "viewer", "acme");
        DirectoryStub.holds("met-1", "met-1@example.com", "developer", "acme");
        forceSync(s.userId(), false);

        String metrics = management.get("/actuator/prometheus", null).body();

        assertThat(metrics).contains("roster_role_sync_total{outcome=\"changed\",trigger=\"admin\"}");
        assertThat(metrics).contains("roster_role_sync_duration_seconds_count{trigger=\"admin\"}");
        // Sign-in is a door of its own: counted too (a first sign-in provisions the user: changed).
        assertThat(metrics).contains("roster_role_sync_total{outcome=\"changed\",trigger=\"sign_in\"}");
        assertThat(metrics).contains("roster_role_sync_duration_seconds_count{trigger=\"sign_in\"}");
        assertThat(metrics).contains("roster_upstream_request_seconds_count{connector=\"rest_directory\"");
        assertThat(metrics).contains("roster_sync_stale_users");
    }

    @Test
    void aDatabaseFailureForOneUserIsThatUsersResultNotTheWholeAnswers() {
        Session ok = signInHolding("dbf-1", "viewer", "acme");
        Session broken = signInHolding("dbf-2", "viewer", "acme");
        DirectoryStub.holds("dbf-1", "dbf-1@example.com", "developer", "acme");
        DirectoryStub.holds("dbf-2", "dbf-2@example.com", "developer", "acme");
        JsonNode answer = whileTheDatabaseRefusesMembershipsOf(
                broken.userId(),
                () -> forceSync("{\"force\":true,\"user_ids\":[\"" + broken.userId() + "\",\"" + ok.userId() + "\"]}"));

        assertThat(answer.path("synced_count").asInt()).as(answer.toString()).isEqualTo(1);
        assertThat(answer.path("failed_count").asInt()).isEqualTo(1);
        assertThat(answer.path("results").get(0).path("outcome").asString()).isEqualTo("failed");
        assertThat(answer.path("results").get(0).path("detail").asString()).startsWith("failed: ");
        assertThat(memberships(broken.userId())).containsExactly("acme=viewer");
        assertThat(memberships(ok.userId())).containsExactly("acme=developer");
        assertThat(management.get("/actuator/prometheus", null).body())
                .contains("roster_role_sync_total{outcome=\"failed\",trigger=\"admin\"}");
    }

    @Test
    void theAdminEndpointsAreForPlatformAdminsAndRefuseBadInput() {
        Session s = signInHolding("plain-1", "tenant_admin", "acme");
        assertThat(http.postJson("/v1/users/sync", s.access(), "{\"user_ids\":[]}", Map.of())
                        .status())
                .isEqualTo(403);
        assertThat(http.postJson("/v1/users/sync", admin, "{\"user_ids\":[\"nope\"]}", Map.of())
                        .json()
                        .path("code")
                        .asString())
                .isEqualTo("invalid_field");
        assertThat(http.postJson("/v1/users/sync", admin, "{}", Map.of()).status())
                .isEqualTo(400);
        assertThat(http.postJson(
                                "/v1/users/sync",
                                admin,
                                "{\"user_ids\":[\"" + s.userId() + "\"],\"force\":\"yes\"}",
                                Map.of())
                        .status())
                .isEqualTo(400);
        assertThat(http.delete("/v1/users/" + s.userId() + "/cache", admin).status())
                .isEqualTo(204);
        assertThat(http.delete("/v1/users/00000000-0000-0000-0000-0000000000aa/cache", admin)
                        .status())
                .isEqualTo(404);
        JsonNode status = http.get("/v1/sync/status", admin).json();
        assertThat(status.path("directory_configured").asBoolean()).isTrue();
        assertThat(status.path("rate_budget").path("rate_per_second").asInt()).isEqualTo(1000);
        assertThat(status.path("stale_users").isNumber()).isTrue();
        assertThat(status.path("upstream").path("configured").asBoolean()).isTrue();
    }
}
