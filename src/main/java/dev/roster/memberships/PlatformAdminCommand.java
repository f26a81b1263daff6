package dev.roster.memberships;

import dev.roster.platform.RosterException;
import dev.roster.platform.RosterProperties;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code ./roster admin grant <email>} and {@code ./roster admin revoke <email>}: makes the user with that address a
 * platform admin, or stops them being one, straight in the configured database (no HTTP server, so it runs beside
 * live nodes, which see the change on their next request through the invalidation bus). Audited as
 * {@code cli:<os user>}. The user must have signed in once, and a grant only matches an address the upstream has
 * verified; the last platform admin cannot be revoked.
 */
@Component
class PlatformAdminCommand implements ApplicationRunner, ExitCodeGenerator {

    static final String GRANT = "admin-grant";
    static final String REVOKE = "admin-revoke";

    private static final String USERS_BY_EMAIL =
            "SELECT id, email_verified FROM users WHERE lower(email) = :email ORDER BY created_at";

    private record Match(UUID id, boolean emailVerified) {}

    private final RosterProperties properties;
    private final MembershipManagement memberships;
    private final JdbcClient jdbc;
    private int exitCode;

    PlatformAdminCommand(RosterProperties properties, MembershipManagement memberships, JdbcClient jdbc) {
        this.properties = properties;
        this.memberships = memberships;
        this.jdbc = jdbc;
    }

    @Override
    public void run(ApplicationArguments args) {
        String command = properties.command();
        if (!GRANT.equals(command) && !REVOKE.equals(command)) {
            return;
        }
        List<String> operands = args.getNonOptionArgs();
        if (operands.size() != 1) {
            fail("usage: ./roster admin grant|revoke <email>");
            return;
        }
        String email = operands.getFirst().trim().toLowerCase(Locale.ROOT);
        List<Match> matches = jdbc.sql(USERS_BY_EMAIL)
                .param("email", email)
                .query((rs, i) -> new Match(rs.getObject("id", UUID.class), rs.getBoolean("email_verified")))
                .list();
        if (matches.isEmpty()) {
            fail("no user has the address " + email + "; they must sign in once first"
                    + " (or list it in ROSTER_BOOTSTRAP_ADMINS to make them an admin at sign-in)");
            return;
        }
        // Granting trusts the address, so only an address the upstream vouched for (email_verified) may match.
        List<UUID> users = matches.stream()
                .filter(m -> REVOKE.equals(command) || m.emailVerified())
                .map(Match::id)
                .toList();
        if (users.isEmpty()) {
            fail("the upstream has not verified the address " + email + " (email_verified), so it cannot make anyone"
                    + " an admin; the user must verify it upstream and sign in again");
            return;
        }
        if (users.size() > 1) {
            fail("several users (of different upstreams) have the address " + email + ": " + users);
            return;
        }
        UUID user = users.getFirst();
        String actor = "cli:" + System.getProperty("user.name", "unknown");
        try {
            if (GRANT.equals(command)) {
                report(
                        memberships.grantPlatformAdmin(user, actor),
                        email + " is now a platform admin.",
                        email + " already is a platform admin.");
            } else {
                report(
                        memberships.revokePlatformAdmin(user, actor),
                        email + " is no longer a platform admin.",
                        email + " was not a platform admin.");
            }
        } catch (RosterException e) {
            fail(e.getMessage());
        }
    }

    private static void report(boolean changed, String done, @Nullable String unchanged) {
        System.out.println("roster: " + (changed ? done : unchanged));
    }

    private void fail(String message) {
        System.err.println("roster: " + message);
        exitCode = 1;
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }
}
