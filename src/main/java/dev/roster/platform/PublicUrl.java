package dev.roster.platform;

import org.jspecify.annotations.Nullable;
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
    private volatile @Nullable String resolved;

    PublicUrl(RosterProperties properties, Environment environment) {
        this.properties = properties;
        this.environment = environment;
    }

    /** On every mint and verification: resolved once, as soon as it is final (configured, or the port is known). */
    public String get() {
        String url = resolved;
        if (url != null) {
            return url;
        }
        String configured = properties.publicUrl();
        if (configured != null && !configured.isBlank()) {
            return resolved = configured.replaceAll("/+$", "");
        }
        String listening = environment.getProperty("local.server.port");
        if (listening != null) {
            return resolved = "http://127.0.0.1:" + listening;
        }
        return "http://127.0.0.1:" + environment.getProperty("server.port", "8080");
    }
}
