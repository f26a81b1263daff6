package dev.roster.connectors;

import dev.roster.platform.PublicUrl;
import dev.roster.platform.RosterProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.type.AnnotatedTypeMetadata;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chooses the upstreams. Sign-in: the OIDC provider of {@code ROSTER_OIDC_ISSUER}; else the REST directory of
 * {@code ROSTER_DIRECTORY_BASE_URL}; else, in dev mode, the demo identity provider Roster serves itself under
 * {@code /demo}. Pulls (role sync, sweeps, search): the REST directory when one is configured, otherwise there is no
 * {@link UpstreamDirectory} bean (consumers take an {@code ObjectProvider}). With both OIDC and a directory, the
 * directory only answers pulls, and must name users by their OIDC subject.
 */
@Configuration(proxyBeanMethods = false)
class ConnectorConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ConnectorConfiguration.class);

    static final String DEMO_AUDIENCE = "roster";
    static final String DEMO_ROLES_CLAIM = "roster_roles";

    /**
     * IMPORTANT: {@code @Primary} because a {@link RestDirectoryConnector} is an {@link UpstreamConnector} too: when
     * OIDC signs users in and the directory only answers pulls, two beans are connectors, and this one is the sign-in
     * connector. (When the directory also signs users in, both beans are the same object.)
     */
    @Bean
    @Primary
    UpstreamConnector upstreamConnector(
            RosterProperties roster,
            OidcSettings oidc,
            DirectorySettings directorySettings,
            ObjectProvider<UpstreamDirectory> directory,
            PublicUrl publicUrl,
            JsonMapper json) {
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
        if (directory.getIfAvailable() instanceof RestDirectoryConnector rest) {
            log.info("REST directory connector signs users in with {}/api/v1/users/me", rest.provider());
            return rest;
        }
        if (!oidc.demoUpstreamActive(roster, directorySettings)) {
            throw new IllegalStateException(
                    "No upstream identity provider is configured: set ROSTER_OIDC_ISSUER and ROSTER_OIDC_AUDIENCE,"
                            + " or ROSTER_DIRECTORY_BASE_URL (the demo provider runs only in dev mode)");
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

    @Bean
    @Conditional(DirectoryConfigured.class)
    UpstreamDirectory upstreamDirectory(
            DirectorySettings settings,
            JsonMapper json,
            MeterRegistry meters,
            Clock clock,
            ObjectProvider<UpstreamBudget> budget) {
        return directory(settings, json, meters, clock, budget.getIfAvailable(() -> UpstreamBudget.UNLIMITED));
    }

    /** The directory that answers pulls: for now only the REST directory of {@code ROSTER_DIRECTORY_BASE_URL}. */
    private static UpstreamDirectory directory(
            DirectorySettings settings, JsonMapper json, MeterRegistry meters, Clock clock, UpstreamBudget budget) {
        return new RestDirectoryConnector(settings, json, budget, meters, clock);
    }

    /** Matches when {@code ROSTER_DIRECTORY_BASE_URL} is set (and not blank). */
    static class DirectoryConfigured implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return Binder.get(context.getEnvironment())
                    .bindOrCreate("roster.directory", DirectorySettings.class)
                    .isConfigured();
        }
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
