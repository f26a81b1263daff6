package dev.roster.connectors;

import dev.roster.platform.PublicUrl;
import dev.roster.platform.RosterProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chooses the upstream: the OIDC provider of {@code ROSTER_OIDC_ISSUER}, or in dev mode with none configured, the
 * demo identity provider Roster serves itself under {@code /demo}.
 */
@Configuration(proxyBeanMethods = false)
class ConnectorConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ConnectorConfiguration.class);

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
            var connector = new OidcConnector(
                    () -> issuer,
                    audience,
                    oidc.claims(),
                    oidc.clockSkew(),
                    oidc.httpTimeout(),
                    oidc.jwksMinRefetchInterval(),
                    json);
            if (roster.command() == null) {
                checkIssuer(connector);
            }
            return connector;
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

    /**
     * A server checks its issuer against discovery before it serves: a provider naming another issuer (a trailing
     * slash is enough) would fail every sign-in, so Roster refuses to start and says why. An unreachable provider
     * does not stop it (it discovers on the first sign-in; readiness shows the reason meanwhile). Commands such as
     * {@code rotate-keys} do not need the upstream and skip the check.
     */
    private static void checkIssuer(OidcConnector connector) {
        String unreachable;
        try {
            unreachable = connector.checkDiscovery();
        } catch (IssuerMismatch e) {
            throw new IllegalStateException(e.getMessage());
        }
        if (unreachable != null) {
            log.warn(
                    "could not reach the OIDC provider {} at start-up ({}); starting anyway, sign-ins will retry",
                    connector.provider(),
                    unreachable);
        }
    }
}
