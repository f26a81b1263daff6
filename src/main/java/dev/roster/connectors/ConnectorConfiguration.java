package dev.roster.connectors;

import dev.roster.platform.PublicUrl;
import dev.roster.platform.RosterProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chooses the upstream: the OIDC provider of {@code ROSTER_OIDC_ISSUER}, or in dev mode with none configured, the
 * demo identity provider Roster serves itself under {@code /demo}.
 */
@Configuration(proxyBeanMethods = false)
class ConnectorConfiguration {

    static final String DEMO_AUDIENCE = "roster";
    static final String DEMO_ROLES_CLAIM = "roster_roles";

    @Bean
    UpstreamConnector upstreamConnector(
            RosterProperties roster, OidcSettings oidc, PublicUrl publicUrl, JsonMapper json) {
        if (oidc.isConfigured()) {
            String audience = oidc.audience();
            if (audience == null || audience.isBlank()) {
                throw new IllegalStateException(
                        "ROSTER_OIDC_AUDIENCE must be set with ROSTER_OIDC_ISSUER: the client id Roster expects in 'aud'");
            }
            String issuer = oidc.issuer();
            return new OidcConnector(
                    () -> issuer,
                    audience,
                    oidc.claims(),
                    oidc.clockSkew(),
                    oidc.httpTimeout(),
                    oidc.jwksMinRefetchInterval(),
                    json);
        }
        if (!oidc.demoUpstreamActive(roster)) {
            throw new IllegalStateException(
                    "No upstream identity provider is configured: set ROSTER_OIDC_ISSUER and ROSTER_OIDC_AUDIENCE"
                            + " (the demo provider runs only in dev mode)");
        }
        return new OidcConnector(
                () -> publicUrl.get() + "/demo",
                DEMO_AUDIENCE,
                oidc.claims().withRoles(DEMO_ROLES_CLAIM),
                oidc.clockSkew(),
                oidc.httpTimeout(),
                oidc.jwksMinRefetchInterval(),
                json);
    }
}
