package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.RosterApplication;
import dev.roster.support.IntegrationTest;
import dev.roster.support.TestInfrastructure;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * How the first platform admins come to be: ROSTER_BOOTSTRAP_ADMINS at sign-in, only for an address the upstream
 * vouches for, and {@code ./roster admin grant|revoke <email>} against the database, beside running nodes.
 */
class PlatformAdminBootstrapTests extends IntegrationTest {

    private long rootAdmins() {
        return jdbc.sql("SELECT count(*) FROM memberships WHERE tenant_id = '00000000-0000-0000-0000-000000000000'"
                        + " AND role_id = '00000000-0000-0000-0000-000000000101'")
                .query(Long.class)
                .single();
    }

    @Test
    void aBootstrapAddressTheUpstreamDoesNotVouchForNeverMakesAnAdmin() {
        String unverified = accessToken("impostor-1", TestInfrastructure.ADMIN_EMAIL, Map.of());
        String saysFalse = accessToken("impostor-2", TestInfrastructure.ADMIN_EMAIL, Map.of("email_verified", false));

        assertThat(http.get("/v1/users", unverified).status()).isEqualTo(403);
        assertThat(http.get("/v1/users", saysFalse).status()).isEqualTo(403);
        assertThat(rootAdmins()).isZero();
    }

    @Test
    void aVerifiedBootstrapAddressBecomesAPlatformAdminAtSignInAndItIsAudited() {
        String admin = signInAsPlatformAdmin();

        assertThat(http.get("/v1/users", admin).status()).isEqualTo(200);
        assertThat(rootAdmins()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT actor FROM audit_log WHERE action = 'platform_admin.granted'")
                        .query(String.class)
                        .single())
                .isEqualTo("bootstrap:ROSTER_BOOTSTRAP_ADMINS");
        // Signing in again changes nothing.
        signInAsPlatformAdmin();
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE action = 'platform_admin.granted'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void theCommandLineGrantsAndRevokesPlatformAdminBesideARunningNodeAndAudits() {
        signInAsPlatformAdmin();
        String token = accessToken("ops-1", "ops@example.com", Map.of("email_verified", true));
        assertThat(http.get("/v1/users", token).status()).isEqualTo(403);

        assertThat(command("admin-grant", "OPS@example.com")).isZero();

        // The running node sees it on the next request.
        assertThat(http.get("/v1/users", token).status()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT actor FROM audit_log WHERE action = 'platform_admin.granted'"
                                + " AND target LIKE 'membership:' || :u || ':%'")
                        .param("u", userId("ops@example.com"))
                        .query(String.class)
                        .single())
                .startsWith("cli:");

        assertThat(command("admin-revoke", "ops@example.com")).isZero();

        assertThat(http.get("/v1/users", token).status()).isEqualTo(403);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE action = 'platform_admin.revoked'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void theCommandLineRefusesAnUnknownAddressAndTheLastPlatformAdmin() {
        signInAsPlatformAdmin();

        assertThat(command("admin-grant", "nobody@example.com")).isEqualTo(1);
        assertThat(command("admin-revoke", TestInfrastructure.ADMIN_EMAIL)).isEqualTo(1);

        assertThat(rootAdmins()).isEqualTo(1);
    }

    @Test
    void theCommandLineTrustsOnlyAnAddressTheUpstreamVerified() {
        signInAsPlatformAdmin();
        String unverified = accessToken("ops-2", "unverified@example.com", Map.of("email_verified", false));

        assertThat(command("admin-grant", "unverified@example.com")).isEqualTo(1);

        assertThat(http.get("/v1/users", unverified).status()).isEqualTo(403);
        assertThat(rootAdmins()).isEqualTo(1);
        // Once the upstream vouches for it (the next sign-in records that), the grant goes through.
        accessToken("ops-2", "unverified@example.com", Map.of("email_verified", true));
        assertThat(command("admin-grant", "unverified@example.com")).isZero();
        assertThat(rootAdmins()).isEqualTo(2);
    }

    /** Runs {@code ./roster admin …} as the script does: the application without a web server, then its exit code. */
    private static int command(String name, String email) {
        var properties = new HashMap<String, Object>(TestInfrastructure.rosterProperties());
        properties.put("roster.command", name);
        var context = new SpringApplicationBuilder(RosterApplication.class)
                .web(WebApplicationType.NONE)
                .properties(properties)
                .run(email);
        return SpringApplication.exit(context);
    }
}
