package dev.roster.platform;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Where the management port (metrics, Prometheus, the full health endpoint) listens: {@code ROSTER_MANAGEMENT_ADDRESS}
 * when set; else loopback in dev mode (a laptop's metrics are nobody else's business) and every interface outside it
 * (a scraper in the cluster must reach it; keep the port out of the public load balancer). Spring's own
 * {@code management.server.address} wins over both.
 *
 * <p>IMPORTANT: an environment post-processor (registered in {@code META-INF/spring.factories}), because dev mode
 * is derived from other settings and Spring reads the management address before any bean exists.
 */
public class ManagementAddress implements EnvironmentPostProcessor {

    static final String PROPERTY = "management.server.address";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty(PROPERTY)) {
            return;
        }
        String address = environment.getProperty("roster.management.address");
        if (!StringUtils.hasText(address) && devMode(environment)) {
            address = "127.0.0.1";
        }
        if (StringUtils.hasText(address)) {
            environment
                    .getPropertySources()
                    .addLast(new MapPropertySource("rosterManagementAddress", Map.of(PROPERTY, address)));
        }
    }

    /** As {@link RosterProperties#isDevMode}: explicit, else without an external database. */
    private static boolean devMode(ConfigurableEnvironment environment) {
        String explicit = environment.getProperty("roster.dev-mode");
        if (StringUtils.hasText(explicit)) {
            return Boolean.parseBoolean(explicit.trim());
        }
        return !StringUtils.hasText(environment.getProperty("roster.db.url"));
    }
}
