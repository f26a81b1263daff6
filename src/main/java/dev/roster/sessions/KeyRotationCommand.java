package dev.roster.sessions;

import dev.roster.platform.RosterProperties;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * {@code ./roster rotate-keys}: adds a signing key and retires the old ones (still published until they lapse). Runs
 * without an HTTP server, beside live nodes, which switch keys on the notification; the process then exits.
 */
@Component
class KeyRotationCommand implements ApplicationRunner {

    static final String NAME = "rotate-keys";

    private final RosterProperties properties;
    private final SigningKeys keys;

    KeyRotationCommand(RosterProperties properties, SigningKeys keys) {
        this.properties = properties;
        this.keys = keys;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!NAME.equals(properties.command())) {
            return;
        }
        String kid = keys.rotate();
        System.out.println("New signing key " + kid + " is active. Previous keys stay in /.well-known/jwks.json"
                + " until the tokens they signed expire.");
    }
}
