package dev.roster.sessions;

import dev.roster.platform.RosterProperties;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;

/** {@code ./roster rotate-keys}: adds a signing key, retires the old ones (still published until they lapse), exits. */
@Component
class KeyRotationCommand implements ApplicationRunner {

    static final String NAME = "rotate-keys";

    private final RosterProperties properties;
    private final SigningKeys keys;
    private final ConfigurableApplicationContext context;

    KeyRotationCommand(RosterProperties properties, SigningKeys keys, ConfigurableApplicationContext context) {
        this.properties = properties;
        this.keys = keys;
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!NAME.equals(properties.command())) {
            return;
        }
        String kid = keys.rotate();
        System.out.println("New signing key " + kid + " is active. Previous keys stay in /.well-known/jwks.json"
                + " until the tokens they signed expire.");
        System.exit(SpringApplication.exit(context, () -> 0));
    }
}
