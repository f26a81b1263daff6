package dev.roster.connectors;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code upstream} in {@code /actuator/health} on the management port: DOWN, with the exact mismatch, while the OIDC
 * provider's discovery names another issuer than Roster is configured with (every sign-in would fail); UNKNOWN while
 * the provider cannot be reached. Not part of readiness: refresh, {@code /v1/me} and authorization checks never need
 * the upstream, so neither an IdP outage nor an IdP that changed its issuer may take every node out of the load
 * balancer. (A mismatch visible at start-up stops the server instead.) Never blocks: it reports the last known
 * state of discovery, and starts a retry in the background when discovery has not succeeded. With the REST directory
 * signing users in: UNKNOWN while its circuit breaker is open (repeated failures), UP otherwise.
 */
@Component("upstream")
class UpstreamHealth implements HealthIndicator {

    private final UpstreamConnector connector;
    private final OidcSettings settings;

    UpstreamHealth(UpstreamConnector connector, OidcSettings settings) {
        this.connector = connector;
        this.settings = settings;
    }

    @Override
    public Health health() {
        if (connector instanceof RestDirectoryConnector directory) {
            return directory.circuitOpen()
                    ? Health.unknown()
                            .withDetail("directory", directory.provider())
                            .withDetail("error", "circuit breaker open after repeated failures; sign-ins fail fast")
                            .build()
                    : Health.up().withDetail("directory", directory.provider()).build();
        }
        if (!(connector instanceof OidcConnector oidc) || !settings.isConfigured()) {
            return Health.up().withDetail("provider", "demo").build();
        }
        OidcConnector.Discovery discovery = oidc.discovery();
        return switch (discovery.status()) {
            case VERIFIED ->
                Health.up().withDetail("issuer", discovery.detail()).build();
            case MISCONFIGURED ->
                Health.down().withDetail("error", discovery.detail()).build();
            case UNREACHABLE ->
                Health.unknown()
                        .withDetail("issuer", oidc.provider())
                        .withDetail("error", "discovery failed, retried on the next sign-in: " + discovery.detail())
                        .build();
        };
    }
}
