package dev.roster.sync;

import dev.roster.connectors.DirectorySettings;
import dev.roster.connectors.OidcSettings;
import dev.roster.platform.RosterProperties;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

/**
 * The addresses in {@code ROSTER_BOOTSTRAP_ADMINS} become platform admins when they sign in — only when the upstream
 * vouches for the address ({@code email_verified}): an unverified address never makes anyone an admin. In dev mode
 * with the demo upstream and nothing configured, the demo directory's {@value #DEMO_ADMIN} is one.
 */
@Component
public class BootstrapAdmins {

    /** The demo directory's platform admin (see demo/DemoDirectory). */
    static final String DEMO_ADMIN = "admin@example.com";

    @ConfigurationProperties("roster")
    record Settings(@DefaultValue List<String> bootstrapAdmins) {}

    private final Set<String> emails;

    BootstrapAdmins(Settings settings, RosterProperties roster, OidcSettings oidc, DirectorySettings directory) {
        Set<String> configured = settings.bootstrapAdmins().stream()
                .map(e -> e.trim().toLowerCase(Locale.ROOT))
                .filter(e -> !e.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        this.emails =
                configured.isEmpty() && oidc.demoUpstreamActive(roster, directory) ? Set.of(DEMO_ADMIN) : configured;
    }

    /** Whether signing in with this address, as the upstream states it, makes a platform admin. */
    public boolean applies(String email, boolean verified) {
        return verified && emails.contains(email.toLowerCase(Locale.ROOT));
    }

    public static final String ACTOR = "bootstrap:ROSTER_BOOTSTRAP_ADMINS";
}
