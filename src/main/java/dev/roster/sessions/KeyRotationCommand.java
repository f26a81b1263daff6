package dev.roster.sessions;

import dev.roster.platform.RosterProperties;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * {@code ./roster rotate-keys}: publishes a new signing key and schedules it to take over from the current one once
 * caches of the JWKS have expired (see {@link SigningKeys#rotate()}), and says when. Runs without an HTTP server,
 * beside live nodes, which publish the key on the notification and switch at the instant by themselves; the process
 * then exits.
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
        SigningKeys.Rotation rotation = keys.rotate();
        Duration wait = Duration.between(Instant.now(), rotation.activatesAt());
        System.out.println("New signing key " + rotation.kid() + " is published in /.well-known/jwks.json now and"
                + " takes over signing at " + rotation.activatesAt() + " (in " + describe(wait) + "), once caches of"
                + " the previous JWKS have expired. The previous key signs until then, and stays published until the"
                + " tokens it signed expire.");
    }

    private static String describe(Duration wait) {
        long seconds = Math.max(0, (wait.toMillis() + 999) / 1000);
        return seconds >= 60 && seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }
}
