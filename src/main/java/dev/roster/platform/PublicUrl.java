package dev.roster.platform;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The base URL clients reach this Roster at: {@code ROSTER_PUBLIC_URL}, else {@code http://127.0.0.1:<port>} with
 * the port the server actually listens on (known only after start-up, hence resolved on use).
 */
@Component
public class PublicUrl {

    private final RosterProperties properties;
    private final Environment environment;

    PublicUrl(RosterProperties properties, Environment environment) {
        this.properties = properties;
        this.environment = environment;
    }

    public String get() {
        String configured = properties.publicUrl();
        if (configured != null && !configured.isBlank()) {
            return configured.replaceAll("/+$", "");
        }
        String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
        return "http://127.0.0.1:" + port;
    }
}
