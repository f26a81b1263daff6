package dev.roster.platform;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Prints, once Roster serves, where and how fast it came up, then what each {@link StartupBanner} adds (with the
 * demo upstream, the three commands of the quickstart). Plain stdout, not the JSON log: it is for the person at the
 * terminal.
 */
@Component
class StartupReport {

    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

    private final RosterProperties properties;
    private final PublicUrl publicUrl;
    private final ObjectProvider<StartupBanner> banners;

    StartupReport(RosterProperties properties, PublicUrl publicUrl, ObjectProvider<StartupBanner> banners) {
        this.properties = properties;
        this.publicUrl = publicUrl;
        this.banners = banners;
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        if (!(event.getApplicationContext() instanceof WebServerApplicationContext)) {
            return;
        }
        long sinceJvmStart = System.currentTimeMillis()
                - ManagementFactory.getRuntimeMXBean().getStartTime();
        String url = publicUrl.get();
        var out = new StringBuilder();
        out.append("\nRoster is ready at ")
                .append(url)
                .append(" (started in ")
                .append(String.format("%.1f", Duration.ofMillis(sinceJvmStart).toMillis() / 1000.0))
                .append(" s; ")
                .append(properties.db().isExternal() ? "external" : "embedded")
                .append(" PostgreSQL")
                .append(properties.isDevMode() ? ", dev mode" : "")
                .append("; crypto: ")
                .append(CryptoProvider.active())
                .append(")\n");
        var environment = event.getApplicationContext().getEnvironment();
        String managementPort = environment.getProperty("local.management.port");
        if (managementPort != null) {
            String address = environment.getProperty(ManagementAddress.PROPERTY, "0.0.0.0");
            out.append("Metrics and health: http://")
                    .append(address.contains(":") ? "[" + address + "]" : address)
                    .append(':')
                    .append(managementPort)
                    .append("/actuator (management port; probes /livez and /readyz on the API port)\n");
        }
        banners.orderedStream().forEach(banner -> out.append('\n').append(banner.text()));
        System.out.println(out);
        System.out.flush();
        if (!properties.isDevMode()
                && (properties.publicUrl() == null || properties.publicUrl().isBlank())) {
            log.warn(
                    "ROSTER_PUBLIC_URL is not set: tokens name {} as their issuer, which other nodes behind the"
                            + " same load balancer will not accept; set it to the URL clients use",
                    url);
        }
    }
}
