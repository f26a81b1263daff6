package dev.roster.platform;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.StringUtils;

/**
 * Every setting Roster reads, bound from {@code roster.*} properties or the matching {@code ROSTER_*} environment
 * variables (Spring's relaxed binding: {@code ROSTER_OIDC_ISSUER} is {@code roster.oidc.issuer}). Documented with
 * their defaults in {@code docs/configuration.md}.
 */
@ConfigurationProperties("roster")
public record RosterProperties(
        @DefaultValue("./data") Path home,
        @Nullable Boolean devMode,
        @Nullable String publicUrl,
        @DefaultValue Db db,
        @DefaultValue Oidc oidc,
        @DefaultValue Tokens tokens,
        @DefaultValue Keys keys,
        @DefaultValue Demo demo,
        @DefaultValue("16384") int settingsMaxBytes,
        @Nullable String command) {

    /** Dev mode (embedded database, demo upstream, key file in the data directory) unless set explicitly. */
    public boolean isDevMode() {
        return devMode != null ? devMode : !db.isExternal();
    }

    public boolean demoUpstreamActive() {
        return isDevMode() && !oidc.isConfigured();
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

    public record Oidc(
            @Nullable String issuer,
            @Nullable String audience,
            @DefaultValue Claims claims,
            @DefaultValue("30s") Duration clockSkew,
            @DefaultValue("2s") Duration httpTimeout,
            @DefaultValue("30s") Duration jwksMinRefetchInterval) {

        public boolean isConfigured() {
            return StringUtils.hasText(issuer);
        }
    }

    /** Names of the upstream token's claims that carry the user's profile and, optionally, roles. */
    public record Claims(
            @DefaultValue("sub") String subject,
            @DefaultValue("email") String email,
            @DefaultValue("preferred_username") String username,
            @DefaultValue("given_name") String firstName,
            @DefaultValue("family_name") String lastName,
            @DefaultValue("middle_name") String middleName,
            @DefaultValue("name") String displayName,
            @DefaultValue("picture") String image,
            @DefaultValue("email_verified") String emailVerified,
            @Nullable String roles) {

        /** The same mapping, with the user's roles read from {@code claim}. */
        public Claims withRoles(String claim) {
            return new Claims(
                    subject,
                    email,
                    username,
                    firstName,
                    lastName,
                    middleName,
                    displayName,
                    image,
                    emailVerified,
                    claim);
        }
    }

    public record Tokens(
            @DefaultValue("15m") Duration accessTokenTtl,
            @DefaultValue("14d") Duration refreshTokenTtl,
            @DefaultValue("30d") Duration sessionMaxLifetime,
            @DefaultValue("100000") long verifiedTokenCacheSize,
            @DefaultValue("roster_refresh_token") String refreshCookieName) {}

    public record Keys(@Nullable String encryptionKey) {}

    public record Demo(@DefaultValue("false") boolean openDirectory) {}
}
