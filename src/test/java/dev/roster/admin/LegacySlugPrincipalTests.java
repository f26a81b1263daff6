package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roster.RosterApplication;
import dev.roster.grants.RoleUrnBackfill;
import dev.roster.support.Http;
import dev.roster.support.TestInfrastructure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Legacy {@code role:<slug>} grants: honoured while {@code ROSTER_AUTHZ_LEGACY_SLUG_PRINCIPALS=read} (the default),
 * accepted on write only with {@code =write}, rewritten by {@code ./roster backfill-role-urns} (dry run, real run,
 * a crash and a resume, checks answering throughout), and ignored after the cut-over ({@code =off}).
 */
class LegacySlugPrincipalTests extends AdminApiTest {

    @Autowired
    RoleUrnBackfill backfill;

    @Autowired
    TransactionTemplate tx;

    String admin;
    String tenant;
    User alice;
    User victor;

    @BeforeEach
    void aDeveloperAndAViewer() {
        admin = signInAsPlatformAdmin();
        tenant = createTenant(admin, "acme");
        alice = member(admin, tenant, "alice", "developer");
        victor = member(admin, tenant, "victor", "viewer");
    }

    /** A grant written straight to the database, as an import from an older system leaves it; its id. */
    String insertGrant(String tenantId, String principal, String permission, String selector) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("INSERT INTO grants (id, tenant_id, principal_urn, permission, selector)"
                        + " VALUES (CAST(:id AS uuid), CAST(:t AS uuid), :p, :perm, :sel)")
                .param("id", id)
                .param("t", tenantId)
                .param("p", principal)
                .param("perm", permission)
                .param("sel", selector)
                .update();
        return id;
    }

    Http.Response ask(Http node, User user, String tenantId, String permission, String resource) {
        return node.postJson(
                "/v1/authz/check",
                user.token(),
                "{\"tenant_id\":\"" + tenantId + "\",\"permission\":\"" + permission + "\",\"resource\":\"" + resource
                        + "\"}",
                Map.of());
    }

    boolean allowed(Http node, User user, String permission, String resource) {
        Http.Response answer = ask(node, user, tenant, permission, resource);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().path("allowed").asBoolean();
    }

    Http.Response postGrant(Http node, String principal) {
        return node.postJson(
                "/v1/tenants/" + tenant + "/grants",
                admin,
                "{\"principal\":\"" + principal + "\",\"permission\":\"docs:read\",\"selector\":\"*\"}",
                Map.of());
    }

    String principalOf(String grantId) {
        return jdbc.sql("SELECT principal_urn FROM grants WHERE id = CAST(:id AS uuid)")
                .param("id", grantId)
                .query(String.class)
                .optional()
                .orElse("(deleted)");
    }

    @Test
    void aSlugGrantAllowsTheHoldersOfThatRoleAndNamesItselfAsTheReason() {
        String id = insertGrant(tenant, "role:developer", "docs:read", "docs/*");

        Http.Response answer = ask(http, alice, tenant, "docs:read", "docs/1");

        assertThat(answer.json().path("allowed").asBoolean()).as(answer.body()).isTrue();
        assertThat(answer.json().path("reason").path("grant").path("id").asString())
                .isEqualTo(id);
        assertThat(answer.json().path("reason").path("grant").path("principal").asString())
                .isEqualTo("role:developer");
        assertThat(allowed(http, victor, "docs:read", "docs/1")).isFalse();
        assertThat(allowed(http, alice, "docs:write", "docs/1")).isFalse();
        // The listing shows the user's canonical principals, and the slug grant that applies to them.
        var listing = http.get("/v1/authz/permissions?tenant_id=" + tenant, alice.token())
                .json();
        assertThat(listing.path("principals").toString()).contains("role:global:" + DEVELOPER_ID);
        assertThat(listing.path("grants").get(0).path("principal").asString()).isEqualTo("role:developer");
    }

    @Test
    void aSlugStandsForTheTenantsOwnRoleOfThatSlugFromTheMomentItIsCreated() {
        insertGrant(tenant, "role:auditor", "logs:read", "*");
        User ada = member(admin, tenant, "ada", "viewer");
        assertThat(allowed(http, ada, "logs:read", "x")).isFalse();

        Http.Response role = postJson(
                "/v1/tenants/" + tenant + "/roles",
                admin,
                "{\"slug\":\"auditor\",\"name\":\"Auditor\",\"priority\":50}");
        assertThat(role.status()).as(role.body()).isEqualTo(201);
        assertThat(assign(admin, tenant, ada.id(), "auditor").status()).isEqualTo(200);

        assertThat(allowed(http, ada, "logs:read", "x")).isTrue();
        // Another tenant's role of that slug is not this one.
        String other = createTenant(admin, "globex");
        insertGrant(other, "role:auditor", "logs:read", "*");
        assertThat(ask(http, ada, other, "logs:read", "x")
                        .json()
                        .path("allowed")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void slugPrincipalsAreRefusedOnWriteUnlessImportingIsOn() {
        assertProblem(postGrant(http, "role:developer"), 400, "invalid_field");
        assertThat(postGrant(http, "role:developer").body()).contains("ROSTER_AUTHZ_LEGACY_SLUG_PRINCIPALS=read");
        assertThat(count("SELECT count(*) FROM grants")).isZero();

        try (var importing = startAnotherNode(Map.of("roster.authz.legacy-slug-principals", "write"))) {
            Http node = httpOf(importing);
            Http.Response created = postGrant(node, "role:developer");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json().path("principal").asString()).isEqualTo("role:developer");
            assertThat(allowed(node, alice, "docs:read", "x")).isTrue();
            assertProblem(postGrant(node, "role:no-such-role"), 400, "invalid_field");
            assertThat(postGrant(node, "role:developer").status()).isEqualTo(409);
        }
        // Listing by a slug principal finds it.
        var page = http.get("/v1/tenants/" + tenant + "/grants?principal=role:developer", admin)
                .json();
        assertThat(page.path("total").asLong()).isEqualTo(1);
    }

    @Test
    void aDryRunReportsWhatTheBackfillWouldDoAndChangesNothing() {
        String legacy = insertGrant(tenant, "role:developer", "docs:read", "*");
        insertGrant(tenant, "role:viewer", "docs:list", "*");
        insertGrant(tenant, "role:viewer", "docs:read", "public/*");
        insertGrant(tenant, "role:ghost", "docs:read", "*");

        Run run = command("--dry-run", "--batch=2");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("dry run, nothing changed")
                .contains("would rewrite 3 legacy grant(s)")
                .contains("would merge 0")
                .contains("1 left unresolved")
                .contains("role:ghost");
        assertThat(principalOf(legacy)).isEqualTo("role:developer");
        assertThat(count("SELECT count(*) FROM audit_log WHERE action LIKE 'grant.%'"))
                .isZero();
    }

    @Test
    void theBackfillRewritesMergesTwinsLeavesTheUnresolvedAndChecksAnswerTheSame() {
        String rewritten = insertGrant(tenant, "role:developer", "docs:read", "docs/*");
        String twin = insertGrant(tenant, "role:viewer", "docs:list", "*");
        String canonical = insertGrant(tenant, "role:global:" + VIEWER_ID, "docs:list", "*");
        String ghost = insertGrant(tenant, "role:ghost", "docs:read", "*");
        assertThat(allowed(http, alice, "docs:read", "docs/1")).isTrue();
        assertThat(allowed(http, victor, "docs:list", "x")).isTrue();

        Run run = command("--batch=1");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("done: rewrote 1 legacy grant(s)")
                .contains("merged 1")
                .contains("1 left unresolved")
                .contains(ghost);
        assertThat(principalOf(rewritten)).isEqualTo("role:global:" + DEVELOPER_ID);
        assertThat(principalOf(twin)).isEqualTo("(deleted)");
        assertThat(principalOf(canonical)).isEqualTo("role:global:" + VIEWER_ID);
        assertThat(principalOf(ghost)).isEqualTo("role:ghost");
        // Audited one by one, as the command's operator.
        assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'grant.principal_rewritten'"
                        + " AND actor LIKE 'cli:%' AND target = 'grant:" + rewritten + "'"
                        + " AND after->>'principal' = 'role:global:" + DEVELOPER_ID + "'"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'grant.merged' AND target = 'grant:" + twin
                        + "'"))
                .isEqualTo(1);
        // This node heard of it: the reason names the canonical principal now.
        Http.Response answer = ask(http, alice, tenant, "docs:read", "docs/1");
        assertThat(answer.json().path("reason").path("grant").path("principal").asString())
                .isEqualTo("role:global:" + DEVELOPER_ID);
        assertThat(allowed(http, victor, "docs:list", "x")).isTrue();
        // Running it again changes nothing.
        Run again = command();
        assertThat(again.output()).contains("rewrote 0").contains("merged 0").contains("1 left unresolved");
    }

    @Test
    void aBatchThatDidNotCommitLeftNothingAndTheNextRunFinishesTheJob() {
        var legacy = new ArrayList<String>();
        for (int i = 0; i < 6; i++) {
            legacy.add(insertGrant(tenant, "role:developer", "docs:read", "docs/" + i));
        }

        // A crash in the middle of a batch: its transaction never commits.
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
                    backfill.apply("cli:test", new UUID(0, 0), 4);
                    throw new IllegalStateException("the process died here");
                }))
                .hasMessageContaining("died");
        assertThat(count("SELECT count(*) FROM grants WHERE principal_urn = 'role:developer'"))
                .isEqualTo(6);

        // A run stopped after its first committed batch (Ctrl-C between two batches)...
        RoleUrnBackfill.Batch first = backfill.apply("cli:test", new UUID(0, 0), 4);
        assertThat(first.count(RoleUrnBackfill.Action.REWRITE)).isEqualTo(4);
        assertThat(count("SELECT count(*) FROM grants WHERE principal_urn = 'role:developer'"))
                .isEqualTo(2);

        // ...and the next run does what is left, and only that.
        Run resumed = command("--batch=4");
        assertThat(resumed.output()).contains("rewrote 2 legacy grant(s)");
        assertThat(count("SELECT count(*) FROM grants WHERE principal_urn = 'role:global:" + DEVELOPER_ID + "'"))
                .isEqualTo(6);
        for (int i = 0; i < 6; i++) {
            assertThat(allowed(http, alice, "docs:read", "docs/" + i)).isTrue();
        }
    }

    @Test
    void checksKeepAnsweringAllowedOnTwoNodesWhileTheBackfillRuns() throws Exception {
        int grants = 60;
        for (int i = 0; i < grants; i++) {
            insertGrant(tenant, "role:developer", "docs:read", "docs/" + i);
        }
        try (var nodeB = startAnotherNode(Map.of())) {
            Http b = httpOf(nodeB);
            var running = new AtomicBoolean(true);
            var denied = new AtomicInteger();
            var asked = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            var workers = new ArrayList<Future<?>>();
            for (Http node : List.of(http, b, http, b)) {
                workers.add(pool.submit(() -> {
                    int i = 0;
                    while (running.get()) {
                        Http.Response answer = ask(node, alice, tenant, "docs:read", "docs/" + (i++ % grants));
                        asked.incrementAndGet();
                        if (answer.status() != 200
                                || !answer.json().path("allowed").asBoolean()) {
                            denied.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            try {
                Run run = command("--batch=1");
                assertThat(run.output()).contains("rewrote " + grants + " legacy grant(s)");
            } finally {
                running.set(false);
                for (Future<?> worker : workers) {
                    worker.get();
                }
                pool.shutdown();
            }
            assertThat(asked.get()).isGreaterThan(grants);
            assertThat(denied.get()).isZero();
            assertThat(count("SELECT count(*) FROM grants WHERE principal_urn = 'role:developer'"))
                    .isZero();
        }
    }

    @Test
    void afterTheCutOverSlugGrantsAllowNothingAndCannotBeWritten() {
        insertGrant(tenant, "role:developer", "docs:read", "*");
        insertGrant(tenant, "role:developer", "docs:write", "*");
        assertThat(command("--batch=1").exitCode()).isZero();
        // One left behind (say, written by SQL after the backfill ran).
        insertGrant(tenant, "role:developer", "docs:delete", "*");

        try (var cutOver = startAnotherNode(Map.of("roster.authz.legacy-slug-principals", "off"))) {
            Http node = httpOf(cutOver);
            assertThat(allowed(node, alice, "docs:read", "x")).isTrue();
            assertThat(allowed(node, alice, "docs:write", "x")).isTrue();
            assertThat(allowed(node, alice, "docs:delete", "x")).isFalse();
            assertProblem(postGrant(node, "role:developer"), 400, "invalid_field");
            assertThat(postGrant(node, "role:developer").body()).contains("ROSTER_AUTHZ_LEGACY_SLUG_PRINCIPALS=off");
        }
        // This node still reads it.
        assertThat(allowed(http, alice, "docs:delete", "x")).isTrue();
    }

    @Test
    void deletingARoleDeletesItsGrantsAudited() {
        Http.Response role = postJson(
                "/v1/tenants/" + tenant + "/roles",
                admin,
                "{\"slug\":\"auditor\",\"name\":\"Auditor\",\"priority\":50}");
        String roleId = role.json().path("id").asString();
        Http.Response grant = postGrant(http, "role:tenant:" + roleId);
        assertThat(grant.status()).as(grant.body()).isEqualTo(201);
        String grantId = grant.json().path("id").asString();
        String bySlug = insertGrant(tenant, "role:auditor", "logs:read", "*");

        assertThat(http.delete("/v1/tenants/" + tenant + "/roles/" + roleId, admin)
                        .status())
                .isBetween(200, 204);

        assertThat(principalOf(grantId)).isEqualTo("(deleted)");
        assertThat(principalOf(bySlug)).isEqualTo("(deleted)");
        assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'grant.deleted' AND target = 'grant:" + grantId
                        + "' AND before->>'principal' = 'role:tenant:" + roleId + "'"))
                .isEqualTo(1);
        // A new role of the same slug does not inherit anything.
        Http.Response again = postJson(
                "/v1/tenants/" + tenant + "/roles",
                admin,
                "{\"slug\":\"auditor\",\"name\":\"Auditor\",\"priority\":50}");
        assertThat(again.status()).isEqualTo(201);
        assertThat(count("SELECT count(*) FROM grants WHERE tenant_id = CAST('" + tenant + "' AS uuid)"))
                .isZero();
    }

    @Test
    void theCommandRefusesABadBatchSize() {
        assertThat(command("--batch=0").exitCode()).isEqualTo(2);
        assertThat(command("--batch=lots").exitCode()).isEqualTo(2);
        assertThat(command("--batch=10001").output()).contains("usage: ./roster backfill-role-urns");
    }

    record Run(int exitCode, String output) {}

    /** Runs {@code ./roster backfill-role-urns …} as the script does: no web server, its output and exit code. */
    static Run command(String... args) {
        var properties = new HashMap<String, Object>(TestInfrastructure.rosterProperties());
        properties.put("roster.command", "backfill-role-urns");
        var buffer = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        var capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        int exitCode;
        try {
            var context = new SpringApplicationBuilder(RosterApplication.class)
                    .web(WebApplicationType.NONE)
                    .properties(properties)
                    .run(args);
            exitCode = SpringApplication.exit(context);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new Run(exitCode, buffer.toString(StandardCharsets.UTF_8));
    }
}
