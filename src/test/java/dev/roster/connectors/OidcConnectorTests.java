package dev.roster.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import dev.roster.support.TestInfrastructure;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The connector contract against a real OIDC provider (mock-oauth2-server): discovery, JWKS, claims. */
class OidcConnectorTests extends UpstreamConnectorContract {

    private static final String ISSUER_ID = "contract";
    private static final String AUDIENCE = "roster-contract";

    private final MockOAuth2Server idp = TestInfrastructure.idp();
    private final OidcConnector connector = trusting(idp.issuerUrl(ISSUER_ID).toString());

    private static OidcConnector trusting(String issuer) {
        return connector(issuer, AUDIENCE, "roles", Duration.ofSeconds(30));
    }

    /** An OIDC connector with the standard claim names, as Roster configures it by default. */
    static OidcConnector connector(
            String issuer, String audience, @Nullable String rolesClaim, Duration jwksMinRefetchInterval) {
        var claims = new OidcSettings.Claims(
                "sub",
                "email",
                "preferred_username",
                "given_name",
                "family_name",
                "middle_name",
                "name",
                "picture",
                "email_verified",
                rolesClaim);
        return new OidcConnector(
                () -> issuer,
                audience,
                claims,
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                jwksMinRefetchInterval,
                JsonMapper.builder().build());
    }

    /**
     * mock-oauth2-server names itself after the host it is asked on, with the same keys: reached as 127.0.0.1 it is
     * issuer {@code http://127.0.0.1:<port>/contract}, and a token it issued as {@code localhost} is, for a connector
     * trusting the former, genuinely signed but from another issuer.
     */
    @Test
    void aTokenOfAnotherIssuerSignedWithTrustedKeysIsRefused() {
        String otherIssuer = idp.issuerUrl(ISSUER_ID).toString().replace("localhost", "127.0.0.1");
        OidcConnector strict = trusting(otherIssuer);
        String localhostToken = genuineToken("ext-1", "a@example.com", Map.of());

        assertThatThrownBy(() -> strict.authenticate(localhostToken))
                .isInstanceOf(InvalidUpstreamToken.class)
                .hasMessageContaining("iss");
    }

    @Test
    void aFailedDiscoveryIsNotRetriedByEverySignInAtOnce() throws Exception {
        var hits = new java.util.concurrent.atomic.AtomicInteger();
        var broken = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        broken.createContext("/", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        broken.start();
        try {
            OidcConnector connector =
                    trusting("http://127.0.0.1:" + broken.getAddress().getPort() + "/idp");
            String token = genuineToken("ext-1", "a@example.com", Map.of());

            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> connector.authenticate(token)).isInstanceOf(UpstreamUnavailable.class);
            }

            assertThat(hits).hasValue(1);
        } finally {
            broken.stop(0);
        }
    }

    @Test
    void anUnreachableIssuerIsAnUpstreamOutageNotABadToken() {
        OidcConnector unreachable = trusting("http://127.0.0.1:9/nobody");

        assertThatThrownBy(() -> unreachable.authenticate(genuineToken("ext-1", "a@example.com", Map.of())))
                .isInstanceOf(UpstreamUnavailable.class);
    }

    @Override
    protected UpstreamConnector connector() {
        return connector;
    }

    @Override
    protected String genuineToken(String subject, String email, Map<String, Object> claims) {
        var all = new HashMap<String, Object>(claims);
        all.put("email", email);
        return idp.issueToken(ISSUER_ID, subject, AUDIENCE, all, 300).serialize();
    }

    @Override
    protected String expiredToken(String subject, String email) {
        return idp.issueToken(ISSUER_ID, subject, AUDIENCE, Map.of("email", email), -120)
                .serialize();
    }

    @Override
    protected String tokenWithClaims(Map<String, Object> overrides) {
        var claims = new HashMap<String, Object>(
                standardClaims(idp.issuerUrl(ISSUER_ID).toString(), AUDIENCE));
        claims.putAll(overrides);
        claims.put("iat", Date.from(Instant.now()));
        return idp.anyToken(idp.issuerUrl(ISSUER_ID), claims, Duration.ofMinutes(5))
                .serialize();
    }

    @Override
    protected RSAKey upstreamPublicKey() {
        try {
            return JWKSet.load(URI.create(idp.jwksUrl(ISSUER_ID).toString()).toURL())
                    .getKeys()
                    .getFirst()
                    .toRSAKey();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
