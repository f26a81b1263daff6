package dev.roster.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.PublicUrl;
import dev.roster.platform.RosterException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A minimal OpenID Connect provider under {@code /demo} on Roster's own port, so that {@code ./roster start} shows
 * the whole sign-in flow with nothing else installed. Dev mode only, loopback clients only; its key lives in memory
 * (its tokens die with the process). Never a production identity provider.
 */
@RestController
@RequestMapping("/demo")
@Conditional(DemoUpstreamCondition.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class DemoIdentityProvider {

    private static final Logger log = LoggerFactory.getLogger(DemoIdentityProvider.class);
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,190}");
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);
    private static final List<String> PROXY_HEADERS =
            List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP", "Via");

    private final PublicUrl publicUrl;
    private final boolean openDirectory;
    private final RSAKey key;

    DemoIdentityProvider(PublicUrl publicUrl, DemoSettings settings) throws JOSEException {
        this.publicUrl = publicUrl;
        this.openDirectory = settings.openDirectory();
        this.key = new RSAKeyGenerator(2048)
                .keyID("demo-" + Long.toHexString(System.nanoTime()))
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256)
                .generate();
        log.warn("*** demo identity provider — not for production *** serving /demo for loopback clients only;"
                + " set ROSTER_OIDC_ISSUER to use a real one");
    }

    @GetMapping(path = "/.well-known/openid-configuration", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> discovery(HttpServletRequest request) {
        requireLoopback(request);
        String issuer = issuer();
        return Map.of(
                "issuer",
                issuer,
                "jwks_uri",
                issuer + "/jwks",
                "token_endpoint",
                issuer + "/token",
                "authorization_endpoint",
                issuer + "/authorize",
                "response_types_supported",
                List.of("id_token"),
                "subject_types_supported",
                List.of("public"),
                "id_token_signing_alg_values_supported",
                List.of("RS256"));
    }

    @GetMapping(path = "/jwks", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> jwks(HttpServletRequest request) {
        requireLoopback(request);
        return new JWKSet(key.toPublicJWK()).toJSONObject(true);
    }

    record IdToken(String idToken) {}

    /** Signs in a demo user without a password: {@code email=alice@example.com}. */
    @PostMapping(path = "/token", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<IdToken> token(@RequestParam("email") String email, HttpServletRequest request)
            throws JOSEException {
        requireLoopback(request);
        String normalized = email.trim().toLowerCase(Locale.ROOT);
        var person = DemoDirectory.find(normalized);
        Instant now = Instant.now();
        var claims = new JWTClaimsSet.Builder()
                .issuer(issuer())
                .jwtID(UUID.randomUUID().toString())
                .audience("roster")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(TOKEN_LIFETIME)))
                .claim("email", normalized)
                // The demo directory is the authority on its own addresses.
                .claim("email_verified", true);
        if (person.isPresent()) {
            var p = person.get();
            claims.subject(p.subject())
                    .claim("given_name", p.givenName())
                    .claim("family_name", p.familyName())
                    .claim("name", p.givenName() + " " + p.familyName())
                    .claim(
                            "preferred_username",
                            p.email().substring(0, p.email().indexOf('@')))
                    .claim(
                            "roster_roles",
                            p.roles().stream()
                                    .map(g -> Map.of(
                                            "role",
                                            g.role(),
                                            "tenant",
                                            Map.of(
                                                    "id",
                                                    g.tenant().id(),
                                                    "name",
                                                    g.tenant().name())))
                                    .toList());
        } else if (openDirectory && EMAIL.matcher(normalized).matches()) {
            // Benchmarks sign in users they generated: the subject is the email, the upstream says nothing on roles.
            claims.subject(normalized);
        } else {
            throw new RosterException(
                    ErrorCode.DEMO_USER_NOT_FOUND,
                    "The demo directory has no " + email + "; try one of " + DemoDirectory.emails() + ".");
        }
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(key.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims.build());
        jwt.sign(new RSASSASigner(key));
        // A credential: no cache may keep it (RFC 6749 §5.1 asks the same of token endpoints).
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(new IdToken(jwt.serialize()));
    }

    private String issuer() {
        return publicUrl.get() + "/demo";
    }

    /**
     * Only a client on this machine talking to it directly: a loopback peer on a loopback interface, and no proxy
     * in between (a reverse proxy or sidecar on the same host would make every remote caller look local).
     */
    private static void requireLoopback(HttpServletRequest request) {
        boolean proxied = PROXY_HEADERS.stream().anyMatch(h -> request.getHeader(h) != null);
        if (proxied || !isLoopback(request.getRemoteAddr()) || !isLoopback(request.getLocalAddr())) {
            throw new RosterException(ErrorCode.NOT_FOUND, "No such resource.");
        }
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
