package dev.roster.demo;

import dev.roster.RosterApplication;
import dev.roster.support.TestInfrastructure;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A whole Roster in dev mode with no upstream configured (so with the demo upstream), on a database of its own. */
final class DevModeRoster {

    private DevModeRoster() {}

    static ConfigurableApplicationContext start(Path home, Map<String, Object> extra) throws Exception {
        // A database of its own: dev mode encrypts its signing keys with its own key file.
        String database = "demo_" + Long.toHexString(System.nanoTime());
        try (var c = TestInfrastructure.postgres().getPostgresDatabase().getConnection();
                var st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database);
        }
        var properties = new HashMap<String, Object>();
        properties.put("roster.db.url", TestInfrastructure.jdbcUrl().replace("/postgres", "/" + database));
        properties.put("roster.db.user", "postgres");
        properties.put("roster.dev-mode", "true");
        properties.put("roster.home", home.toString());
        properties.put("ROSTER_PORT", "0"); // application.yaml reads server.port from it
        properties.put("ROSTER_MANAGEMENT_PORT", "0");
        properties.put("logging.structured.format.console", "");
        properties.putAll(extra);
        return new SpringApplicationBuilder(RosterApplication.class)
                .properties(properties)
                .run();
    }

    static String baseUrl(ConfigurableApplicationContext roster) {
        return "http://127.0.0.1:" + roster.getEnvironment().getProperty("local.server.port");
    }
}
