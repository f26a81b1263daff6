package dev.roster.platform;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.StringUtils;

/**
 * The settings every feature relies on, bound from {@code roster.*} properties or the matching {@code ROSTER_*}
 * environment variables (Spring's relaxed binding: {@code ROSTER_DB_URL} is {@code roster.db.url}). Each feature
 * binds its own settings in its own package (the upstream's in {@code connectors.OidcSettings}, and so on). All are
 * documented with their defaults in {@code docs/configuration.md}.
 */
@ConfigurationProperties("roster")
public record RosterProperties(
        @DefaultValue("./data") Path home,
        @Nullable Boolean devMode,
        @Nullable String publicUrl,
        @DefaultValue Db db,
        @Nullable String command) {

    /** Dev mode (embedded database, demo upstream, key file in the data directory) unless set explicitly. */
    public boolean isDevMode() {
        return devMode != null ? devMode : !db.isExternal();
    }

    public record Db(
            @Nullable String url,
            @Nullable String user,
            @Nullable String password,
            @DefaultValue("8") int poolSize,
            @DefaultValue("0") int embeddedPort) {

        public boolean isExternal() {
            return StringUtils.hasText(url);
        }
    }
}
