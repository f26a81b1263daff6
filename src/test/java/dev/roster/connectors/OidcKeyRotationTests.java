package dev.roster.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream rotates its signing keys: Roster keeps working without a restart. Served over real HTTP by a small
 * OIDC endpoint whose published keys the test controls.
 */
class OidcKeyRotationTests {

    HttpServer server;
    String issuer;
    final AtomicReference<JWKSet> published = new AtomicReference<>();
    final AtomicInteger jwksFetches = new AtomicInteger();
    volatile boolean jwksBroken;
    OidcConnector connector;

    @BeforeEach
    void startUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/idp";
        server.createContext(
                "/idp/.well-known/openid-configuration",
                exchange -> respond(exchange, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\"}"));
        server.createContext("/idp/jwks", exchange -> {
            jwksFetches.incrementAndGet();
            if (jwksBroken) {
                exchange.sendResponseHeaders(500, -1);
                exchange.close();
                return;
            }
            respond(exchange, published.get().toString(true));
        });
        server.start();
        connector = OidcConnectorTests.connector(issuer, "roster", null, Duration.ZERO);
    }

    @AfterEach
    void stopUpstream() {
        server.stop(0);
    }

    @Test
    void aTokenSignedWithTheUpstreamsNewKeyIsAcceptedAfterRotation() throws Exception {
        RSAKey first = new RSAKeyGenerator(2048).keyID("k1").generate();
        published.set(new JWKSet(first.toPublicJWK()));
        assertThat(connector.authenticate(token(first)).user().externalId()).isEqualTo("ext-1");

        RSAKey second = new RSAKeyGenerator(2048).keyID("k2").generate();
        published.set(new JWKSet(second.toPublicJWK()));

        assertThat(connector.authenticate(token(second)).user().externalId()).isEqualTo("ext-1");
        // The cached JWKS was refetched once, for the unknown kid, not for every token.
        assertThat(connector.authenticate(token(second)).user().email()).isEqualTo("a@example.com");
        assertThat(jwksFetches).hasValue(2);
        // The retired key is gone upstream, so its tokens no longer pass.
        assertThatThrownBy(() -> connector.authenticate(token(first))).isInstanceOf(InvalidUpstreamToken.class);
    }

    @Test
    void tokensNamingAKeyTheUpstreamDoesNotPublishAreInvalidEveryTimeNeverAnOutage() throws Exception {
        OidcConnector limited = OidcConnectorTests.connector(issuer, "roster", null, Duration.ofMinutes(1));
        RSAKey genuine = new RSAKeyGenerator(2048).keyID("k1").generate();
        published.set(new JWKSet(genuine.toPublicJWK()));
        limited.authenticate(token(genuine));
        RSAKey forged = new RSAKeyGenerator(2048).keyID("nobody-publishes-this").generate();

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> limited.authenticate(token(forged)))
                    .isInstanceOf(InvalidUpstreamToken.class)
                    .hasMessageContaining("signature");
        }

        // The first unknown kid refetched the JWKS once; the next ones within the interval did not fetch at all.
        assertThat(jwksFetches).hasValue(2);
        assertThat(limited.authenticate(token(genuine)).user().externalId()).isEqualTo("ext-1");
    }

    @Test
    void aKeyRotatedInJustAfterARefusedRefetchIsFoundOnceTheIntervalHasPassed() throws Exception {
        OidcConnector limited = OidcConnectorTests.connector(issuer, "roster", null, Duration.ofMillis(500));
        RSAKey first = new RSAKeyGenerator(2048).keyID("k1").generate();
        published.set(new JWKSet(first.toPublicJWK()));
        RSAKey unknown = new RSAKeyGenerator(2048).keyID("k-unknown").generate();
        assertThatThrownBy(() -> limited.authenticate(token(unknown))).isInstanceOf(InvalidUpstreamToken.class);

        RSAKey second = new RSAKeyGenerator(2048).keyID("k2").generate();
        published.set(new JWKSet(List.of(first.toPublicJWK(), second.toPublicJWK())));

        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(InvalidUpstreamToken.class)
                .untilAsserted(() -> assertThat(
                                limited.authenticate(token(second)).user().externalId())
                        .isEqualTo("ext-1"));
    }

    @Test
    void aJwksTheUpstreamFailsToServeIsAnOutageWithATimeToRetry() throws Exception {
        jwksBroken = true;
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        published.set(new JWKSet(key.toPublicJWK()));

        assertThatThrownBy(() -> connector.authenticate(token(key)))
                .isInstanceOfSatisfying(
                        UpstreamUnavailable.class,
                        e -> assertThat(e.retryAfterSeconds()).isBetween(1L, 5L));
    }

    private String token(RSAKey key) throws Exception {
        Instant now = Instant.now();
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder()
                        .issuer(issuer)
                        .audience("roster")
                        .subject("ext-1")
                        .claim("email", "a@example.com")
                        .issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(300)))
                        .build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static void respond(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
