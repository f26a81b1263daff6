package dev.roster.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * What every integration test in this JVM shares: one embedded PostgreSQL (the real thing, zonky binaries) and one
 * real OIDC provider (mock-oauth2-server). Started on first use, stopped when the JVM exits.
 */
public final class TestInfrastructure {

    public static final String ISSUER_ID = "upstream";
    public static final String AUDIENCE = "roster-test";
    public static final String ROLES_CLAIM = "roles";
    public static final String ADMIN_EMAIL = "root-admin@example.com";
    /** A fixed key-encryption key: tests run outside dev mode, like production. */
    public static final String ENCRYPTION_KEY = Base64.getEncoder().encodeToString(new byte[32]);

    private static EmbeddedPostgres postgres;
    private static MockOAuth2Server idp;

    private TestInfrastructure() {}

    public static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "200")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is going away anyway
                }
            }));
        }
        return postgres;
    }

    public static String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres().getPort() + "/postgres";
    }

    public static synchronized MockOAuth2Server idp() {
        if (idp == null) {
            idp = new MockOAuth2Server();
            idp.start();
            Runtime.getRuntime().addShutdownHook(new Thread(idp::shutdown));
        }
        return idp;
    }

    public static String issuer() {
        return idp().issuerUrl(ISSUER_ID).toString();
    }

    /** The properties that point a Roster at this infrastructure, as ROSTER_* variables would. */
    public static Map<String, String> rosterProperties() {
        var p = new HashMap<String, String>();
        p.put("roster.db.url", jdbcUrl());
        p.put("roster.db.user", "postgres");
        p.put("roster.db.password", "");
        p.put("roster.db.pool-size", "4");
        p.put("roster.oidc.issuer", issuer());
        p.put("roster.oidc.audience", AUDIENCE);
        // Generous: a busy 2-core CI machine must not turn a slow first discovery into a failed test.
        p.put("roster.oidc.http-timeout", "15s");
        p.put("roster.oidc.claims.roles", ROLES_CLAIM);
        p.put("roster.keys.encryption-key", ENCRYPTION_KEY);
        // Several nodes behind one address share one issuer, as in production.
        p.put("roster.public-url", "http://roster.test");
        p.put("logging.structured.format.console", "");
        // Whoever signs in with this verified address administers the platform (see IntegrationTest.signInAsAdmin).
        p.put("roster.bootstrap-admins", ADMIN_EMAIL);
        return p;
    }
}
