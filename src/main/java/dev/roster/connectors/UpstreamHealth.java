package dev.roster.connectors;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code upstream} in the readiness group: DOWN, with the exact mismatch, while the OIDC provider's discovery names
 * another issuer than Roster is configured with (every sign-in would fail). An unreachable provider is UNKNOWN, which
 * keeps the node ready: refresh, {@code /v1/me} and authorization checks never need the upstream, so an IdP outage
 * must not take Roster out of its load balancer. Once discovery has succeeded this never touches the network again.
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
