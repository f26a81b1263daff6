package dev.roster.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Service accounts are Roster's own: no sync ever asks the directory about one or changes one, however stale it
 * looks, even when the directory would call it gone.
 */
class ServiceAccountSyncTests extends IntegrationTest {

    @DynamicPropertySource
    static void directory(DynamicPropertyRegistry registry) {
        DirectoryStub.register(registry);
    }

    @Autowired
    private Sweep sweep;

    private String admin;

    @BeforeEach
    void resetDirectory() {
        DirectoryStub.reset();
        DirectoryStub.knowsThePlatformAdmin();
        admin = signInAsPlatformAdmin();
    }

    @Test
    void theSweepAForcedSyncAndATokenNeverTouchAServiceAccount() {
        ServiceAccountCredentials account = createServiceAccount(admin, "backend");
        String tenant = createTenant(admin, "sa-home");
        assertThat(assign(admin, tenant, account.id(), "tenant_admin").status()).isEqualTo(201);
        // Were the directory asked about the account, it would say it is gone: deactivated, roles removed.
        DirectoryStub.gone(account.clientId());
        DirectoryStub.gone(account.id());
        // A person whose roles are stale, so that the sweep has something to do.
        signIn("stale-1", "stale-1@example.com", roles("viewer", "ext-acme"));
        String person = userId("stale-1@example.com");
        DirectoryStub.holds("stale-1", "stale-1@example.com", "viewer", "ext-acme");
        jdbc.sql("UPDATE users SET last_roles_sync_at = now() WHERE provider <> 'roster:service-account'")
                .update();
        jdbc.sql("UPDATE users SET last_roles_sync_at = NULL WHERE id IN (CAST(:p AS uuid), CAST(:a AS uuid))")
                .param("p", person)
                .param("a", account.id())
                .update();
        jdbc.sql("UPDATE sync_jobs SET holder = NULL, lease_until = NULL, last_started_at = NULL")
                .update();
        String token = serviceAccountToken(account);
        long staleBefore = sweep.refreshStaleCount();

        Sweep.Report report = sweep.runIfDue().orElseThrow();

        assertThat(staleBefore)
                .as("stale users of the upstream: the person only")
                .isEqualTo(1);
        assertThat(report.claimed()).as("the person only").isEqualTo(1);
        assertThat(DirectoryStub.fetches("stale-1")).isEqualTo(1);
        JsonNode forced = forceSync(account.id());
        assertThat(forced.path("errors").get(0).asString()).startsWith("other_provider: " + account.id());
        assertThat(DirectoryStub.fetches(account.clientId()) + DirectoryStub.fetches(account.id()))
                .isZero();
        assertThat(jdbc.sql("SELECT is_active AND last_roles_sync_at IS NULL AND sync_claimed_until IS NULL"
                                + " FROM users WHERE id = CAST(:id AS uuid)")
                        .param("id", account.id())
                        .query(Boolean.class)
                        .single())
                .isTrue();
        assertThat(http.get("/v1/me", token)
                        .json()
                        .path("memberships")
                        .get(0)
                        .path("role")
                        .asString())
                .isEqualTo("tenant_admin");
    }

    private JsonNode forceSync(String userId) {
        Http.Response response =
                http.postJson("/v1/users/sync", admin, "{\"user_ids\":[\"" + userId + "\"],\"force\":true}", Map.of());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }
}
