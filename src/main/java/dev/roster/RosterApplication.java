package dev.roster;

import dev.roster.platform.CryptoProvider;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class RosterApplication {

    static {
        // Before anything signs, digests or draws random numbers: the native provider, where it loads.
        CryptoProvider.install();
    }

    public static void main(String[] args) {
        var application = new SpringApplication(RosterApplication.class);
        boolean command = Arrays.stream(args).anyMatch(arg -> arg.startsWith("--roster.command="));
        if (command) {
            // A one-shot command (./roster rotate-keys): no HTTP server, so it runs beside a live Roster.
            application.setWebApplicationType(WebApplicationType.NONE);
            // A system property, because application.yaml's own level would win over default properties.
            System.setProperty("logging.level.root", "WARN");
        }
        var context = application.run(args);
        if (command) {
            System.exit(SpringApplication.exit(context));
        }
    }
}
