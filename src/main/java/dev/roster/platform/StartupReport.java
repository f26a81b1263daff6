package dev.roster.platform;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Prints, once Roster serves, where and how fast it came up; with the demo upstream, the three commands of the
 * quickstart. Plain stdout, not the JSON log: it is for the person at the terminal.
 */
@Component
class StartupReport {

    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

    private final RosterProperties properties;
    private final PublicUrl publicUrl;

    StartupReport(RosterProperties properties, PublicUrl publicUrl) {
        this.properties = properties;
        this.publicUrl = publicUrl;
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
                .append(")\n");
        if (properties.demoUpstreamActive()) {
            out.append("\nDemo identity provider at ")
                    .append(url)
                    .append("/demo (not for production). Try:\n\n")
                    .append("  ID_TOKEN=$(curl -s -d email=alice@example.com ")
                    .append(url)
                    .append("/demo/token | sed -E 's/.*\"id_token\":\"([^\"]+)\".*/\\1/')\n")
                    .append("  ACCESS_TOKEN=$(curl -s ")
                    .append(url)
                    .append("/v1/auth/token")
                    .append(" -d grant_type=urn:ietf:params:oauth:grant-type:token-exchange")
                    .append(" -d subject_token_type=urn:ietf:params:oauth:token-type:id_token")
                    .append(" -d subject_token=$ID_TOKEN | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')\n")
                    .append("  curl -s ")
                    .append(url)
                    .append("/v1/me -H \"Authorization: Bearer $ACCESS_TOKEN\"\n");
        }
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
