package dev.roster.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;

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
            // IMPORTANT: an explicit port, not 0: only then does MockWebServer listen with SO_REUSEADDR, without
            // which withUpstreamDown could not bind the port again while the stopped server's connections linger
            // in TIME_WAIT.
            idp.start(freePort());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> idp.shutdown()));
        }
        return idp;
    }

    /**
     * Runs {@code action} while the upstream OIDC provider refuses connections, then serves it again on the same
     * port with the same signing keys, so that the tests after it sign in as before.
     *
     * <p>IMPORTANT: a stopped MockOAuth2Server cannot start again (its MockWebServer refuses to), so a new one, built
     * on the old one's token provider (which holds the keys), takes its place.
     */
    public static synchronized void withUpstreamDown(Runnable action) {
        MockOAuth2Server down = idp();
        int port = down.baseUrl().port();
        OAuth2Config config = down.getConfig();
        down.shutdown();
        try {
            action.run();
        } finally {
            idp = new MockOAuth2Server(new OAuth2Config(
                    config.getInteractiveLogin(),
                    config.getLoginPagePath(),
                    config.getStaticAssetsPath(),
                    config.getRotateRefreshToken(),
                    config.getTokenProvider(),
                    config.getTokenCallbacks(),
                    new MockWebServerWrapper()));
            idp.start(port);
        }
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        // Several nodes share this JVM: each takes a free management port, never the fixed default.
        p.put("ROSTER_MANAGEMENT_PORT", "0");
        p.put("logging.structured.format.console", "");
        // Whoever signs in with this verified address administers the platform (see IntegrationTest.signInAsAdmin).
        p.put("roster.bootstrap-admins", ADMIN_EMAIL);
        return p;
    }
}
