package dev.roster.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.RosterException;
import dev.roster.platform.Text;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
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
 * (its tokens die with the process). Never a production identity provider. It signs in the people of the demo
 * directory ({@link DirectoryUsers}), with the roles the directory gives them at that moment.
 */
@RestController
@RequestMapping("/demo")
@Conditional(DemoUpstreamCondition.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class DemoIdentityProvider {

    private static final Logger log = LoggerFactory.getLogger(DemoIdentityProvider.class);
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,190}");
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);

    private final DemoKeys keys;
    private final DirectoryUsers directory;
    private final boolean openDirectory;

    DemoIdentityProvider(DemoKeys keys, DirectoryUsers directory, DemoSettings settings) {
        this.keys = keys;
        this.directory = directory;
        this.openDirectory = settings.openDirectory();
        log.warn("*** demo identity provider — not for production *** serving /demo for loopback clients only;"
                + " set ROSTER_OIDC_ISSUER to use a real one");
    }

    @GetMapping(path = "/.well-known/openid-configuration", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> discovery(HttpServletRequest request) {
        Loopback.require(request);
        String issuer = keys.issuer();
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
        Loopback.require(request);
        return keys.publicJwks();
    }

    record IdToken(String idToken) {}

    /**
     * Signs in a person of the demo directory without a password: {@code email=alice@example.com}. The subject is
     * their directory id, {@code roster_roles} their roles there now. In open-directory mode, an address the
     * directory does not know is signed in too, as itself (subject = email) and with nothing said about roles.
     */
    @PostMapping(path = "/token", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<IdToken> token(@RequestParam("email") String email, HttpServletRequest request)
            throws JOSEException {
        Loopback.require(request);
        String normalized = email.trim().toLowerCase(Locale.ROOT);
        Instant now = Instant.now();
        var claims = new JWTClaimsSet.Builder()
                .issuer(keys.issuer())
                .jwtID(UUID.randomUUID().toString())
                .audience("roster")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(TOKEN_LIFETIME)))
                .claim("email", normalized)
                // The demo directory is the authority on its own addresses.
                .claim("email_verified", true);
        // Only text that can be an address reaches the database (NUL, for one, matches EMAIL but cannot be stored).
        boolean address = EMAIL.matcher(normalized).matches() && Text.unstorable(normalized) == null;
        Optional<DirectoryUser> person = address ? directory.findByEmail(normalized) : Optional.empty();
        if (person.isPresent()) {
            var p = person.get();
            claims.subject(p.id());
            claim(claims, "given_name", p.firstName());
            claim(claims, "family_name", p.lastName());
            claim(claims, "middle_name", p.middleName());
            claim(claims, "name", p.displayName());
            claim(claims, "preferred_username", p.username());
            claim(claims, "picture", p.image());
            claims.claim(
                    "roster_roles",
                    p.roles().stream()
                            .map(g -> Map.of(
                                    "role", g.role(), "tenant", Map.of("id", g.on().tenant(), "name", g.on().name())))
                            .toList());
        } else if (openDirectory && address) {
            // Benchmarks sign in users they generated: the subject is the email, the upstream says nothing on roles.
            claims.subject(normalized);
        } else {
            throw new RosterException(
                    ErrorCode.DEMO_USER_NOT_FOUND,
                    "The demo directory has no " + email + "; try one of " + DemoDirectory.emails() + ".");
        }
        // A credential: no cache may keep it (RFC 6749 §5.1 asks the same of token endpoints).
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(new IdToken(keys.sign(claims.build())));
    }

    private static void claim(JWTClaimsSet.Builder claims, String name, @Nullable String value) {
        if (value != null) {
            claims.claim(name, value);
        }
    }
}
