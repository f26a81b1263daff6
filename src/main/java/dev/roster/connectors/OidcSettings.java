package dev.roster.connectors;

import dev.roster.platform.RosterProperties;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.StringUtils;

/** The upstream OpenID Connect provider: {@code roster.oidc.*}, i.e. {@code ROSTER_OIDC_*}. */
@ConfigurationProperties("roster.oidc")
public record OidcSettings(
        @Nullable String issuer,
        @Nullable String audience,
        @DefaultValue Claims claims,
        @DefaultValue("30s") Duration clockSkew,
        @DefaultValue("2s") Duration httpTimeout,
        @DefaultValue("30s") Duration jwksMinRefetchInterval) {

    public boolean isConfigured() {
        return StringUtils.hasText(issuer);
    }

    /**
     * Whether Roster serves its own demo identity provider: in dev mode, with no upstream configured (neither an OIDC
     * provider nor a REST directory, which would sign users in).
     */
    public boolean demoUpstreamActive(RosterProperties roster, DirectorySettings directory) {
        return roster.isDevMode() && !isConfigured() && !directory.isConfigured();
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
}
