package dev.roster.downstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.roster.sessions.RosterSignedTokens;
import dev.roster.sessions.SigningKeys;
import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import example.documents.DocumentsService;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The downstream example of docs/authorization.md, run for real: Roster, and {@link DocumentsService} (a Spring
 * Security resource server) on its own port, verifying Roster's tokens with Roster's JWKS and asking Roster's check
 * API as its own service account.
 */
class DownstreamServiceTests extends IntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    private SigningKeys keys;

    private ConfigurableApplicationContext documents;
    private Http documentsHttp;
    private String admin;
    private String tenant;
    private String grant;
    private String alice;
    private String bob;
    private ServiceAccountCredentials account;

    @BeforeEach
    void rosterAndTheDocumentsService() {
        admin = signInAsPlatformAdmin();
        tenant = createTenant(admin, "acme");
        account = createServiceAccount(admin, "documents-service");
        assertThat(assign(admin, tenant, account.id(), "tenant_admin").status()).isEqualTo(201);
        signIn("alice", "alice@example.com");
        signIn("bob", "bob@example.com");
        String aliceId = userId("alice@example.com");
        assertThat(assign(admin, tenant, aliceId, "developer").status()).isEqualTo(201);
        assertThat(assign(admin, tenant, userId("bob@example.com"), "developer").status())
                .isEqualTo(201);
        Http.Response granted = http.postJson(
                "/v1/tenants/" + tenant + "/grants",
                admin,
                "{\"principal\":\"user:" + aliceId + "\",\"permission\":\"docs:read\",\"selector\":\"docs/*\"}",
                Map.of());
        assertThat(granted.status()).as(granted.body()).isEqualTo(201);
        grant = granted.json().path("id").asString();
        // Signed in again now that they have a tenant: their tokens carry it (tid).
        alice = accessToken("alice", "alice@example.com", Map.of());
        bob = accessToken("bob", "bob@example.com", Map.of());

        String roster = "http://127.0.0.1:" + port;
        String issuer = "http://roster.test"; // ROSTER_PUBLIC_URL of these tests
        var settings = new java.util.LinkedHashMap<String, Object>();
        settings.put("spring.config.name", "documents"); // not Roster's application.yaml, also on this classpath
        settings.put(
                "spring.autoconfigure.exclude",
                "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
                        + "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration");
        settings.put("server.port", "0");
        // Roster's jar (on this classpath) binds a management address, which needs a port of its own.
        settings.put("management.server.port", "0");
        settings.put("roster.base-url", roster);
        settings.put("roster.jwks-uri", roster + "/.well-known/jwks.json");
        settings.put("roster.issuer", issuer);
        settings.put("roster.audience", issuer);
        settings.put("roster.client-id", account.clientId());
        settings.put("roster.client-secret", account.clientSecret());
        documents = new SpringApplicationBuilder(DocumentsService.class)
                .properties(settings)
                .run();
        documentsHttp =
                new Http("http://127.0.0.1:" + documents.getEnvironment().getProperty("local.server.port"));
    }

    @AfterEach
    void stopTheDocumentsService() {
        if (documents != null) {
            documents.close();
        }
    }

    @Test
    void aUserWithAGrantReadsOneWithoutIsRefusedAndARevokedGrantIsRefusedOnTheNextRequest() {
        Http.Response read = documentsHttp.get("/documents/42", alice);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.json().path("id").asString()).isEqualTo("42");

        assertThat(documentsHttp.get("/documents/42", bob).status()).isEqualTo(403);

        assertThat(http.delete("/v1/tenants/" + tenant + "/grants/" + grant, admin)
                        .status())
                .isEqualTo(200);
        assertThat(documentsHttp.get("/documents/42", alice).status()).isEqualTo(403);

        // One service token for all of it, reused until near its expiry.
        assertThat(jdbc.sql("SELECT count(*) FROM sessions WHERE user_id = CAST(:id AS uuid)")
                        .param("id", account.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void tokensRosterDidNotIssueOrThatExpiredAreRefusedByTheDocumentsService() throws Exception {
        JWTClaimsSet genuine = claims(alice);
        Instant now = Instant.now();

        // Sanity: the same claims signed with Roster's key are accepted.
        assertThat(documentsHttp
                        .get("/documents/1", RosterSignedTokens.sign(keys, genuine))
                        .status())
                .isEqualTo(200);

        var forger = new RSAKeyGenerator(2048).generate();
        var forged = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(kidOf(alice))
                        .type(new JOSEObjectType("at+jwt"))
                        .build(),
                genuine);
        forged.sign(new RSASSASigner(forger));
        String expired = RosterSignedTokens.sign(
                keys,
                new JWTClaimsSet.Builder(genuine)
                        .issueTime(Date.from(now.minusSeconds(3600)))
                        .expirationTime(Date.from(now.minusSeconds(1800)))
                        .build());
        String unsigned = new PlainJWT(genuine).serialize();
        String otherAudience = RosterSignedTokens.sign(
                keys,
                new JWTClaimsSet.Builder(genuine).audience("http://elsewhere").build());
        String otherIssuer = RosterSignedTokens.sign(
                keys,
                new JWTClaimsSet.Builder(genuine).issuer("http://elsewhere").build());

        for (String token :
                new String[] {forged.serialize(), expired, unsigned, otherAudience, otherIssuer, "garbage"}) {
            Http.Response refused = documentsHttp.get("/documents/1", token);
            assertThat(refused.status()).as(token).isEqualTo(401);
            assertThat(refused.header("WWW-Authenticate")).startsWith("Bearer");
        }
        assertThat(documentsHttp.get("/documents/1", null).status()).isEqualTo(401);
    }

    @Test
    void aDeactivatedServiceAccountIsRefusedByRosterAndTheServiceStopsAllowing() {
        assertThat(documentsHttp.get("/documents/7", alice).status()).isEqualTo(200);

        assertThat(http.delete("/v1/service-accounts/" + account.id(), admin).status())
                .isEqualTo(200);

        // Its cached token is refused (session ended), a new one too (invalid_client): the service fails closed.
        assertThat(documentsHttp.get("/documents/7", alice).status()).isNotEqualTo(200);
    }

    private static JWTClaimsSet claims(String token) throws Exception {
        return SignedJWT.parse(token).getJWTClaimsSet();
    }

    private static String kidOf(String token) {
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0]));
        return header.path("kid").asString();
    }
}
