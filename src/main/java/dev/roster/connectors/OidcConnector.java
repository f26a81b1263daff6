package dev.roster.connectors;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import dev.roster.connectors.UpstreamUser.RoleAssignment;
import dev.roster.connectors.UpstreamUser.UpstreamTenant;
import dev.roster.platform.LogThrottle;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validates ID tokens (or JWT access tokens) of an OpenID Connect provider: signature against the issuer's JWKS
 * (found by discovery, cached, refetched when an unknown {@code kid} appears, so key rotation just works), issuer,
 * audience, expiry and not-before with a small clock skew.
 *
 * <p>Only asymmetric algorithms are accepted: {@code alg: none} and HMAC tokens "signed" with the public key are
 * refused before any key is looked at. Discovery is lazy (first sign-in), so Roster starts while the IdP is down.
 */
public class OidcConnector implements UpstreamConnector {

    private static final Logger log = LoggerFactory.getLogger(OidcConnector.class);
    private static final Set<JWSAlgorithm> ACCEPTED_ALGORITHMS = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);

    private static final Duration DISCOVERY_RETRY_DELAY = Duration.ofSeconds(5);

    private final Supplier<String> issuer;
    private final String audience;
    private final OidcSettings.Claims claims;
    private final Duration clockSkew;
    private final Duration httpTimeout;
    private final Duration jwksMinRefetchInterval;
    private final JsonMapper json;
    private final ReentrantLock discovery = new ReentrantLock();
    private volatile @Nullable DefaultJWTProcessor<SecurityContext> processor;
    private volatile @Nullable String resolvedIssuer;
    private volatile Instant discoveryFailedAt = Instant.EPOCH;
    private volatile @Nullable IssuerMismatch mismatch;
    private volatile String lastDiscoveryError = "not attempted yet";
    private final LogThrottle outageWarnings = new LogThrottle(Duration.ofMinutes(1));

    /** {@code issuer} is a supplier because the demo issuer's URL is known only once the server has its port. */
    public OidcConnector(
            Supplier<String> issuer,
            String audience,
            OidcSettings.Claims claims,
            Duration clockSkew,
            Duration httpTimeout,
            Duration jwksMinRefetchInterval,
            JsonMapper json) {
        this.issuer = issuer;
        this.audience = audience;
        this.claims = claims;
        this.clockSkew = clockSkew;
        this.httpTimeout = httpTimeout;
        this.jwksMinRefetchInterval = jwksMinRefetchInterval;
        this.json = json;
    }

    @Override
    public String provider() {
        String resolved = resolvedIssuer;
        return resolved != null ? resolved : issuer.get();
    }

    @Override
    public UpstreamAuthentication authenticate(String token) {
        JWTClaimsSet claimSet;
        try {
            claimSet = processor().process(token, null);
        } catch (ExpiredJWTException e) {
            throw new InvalidUpstreamToken("The subject token has expired.");
        } catch (BadJWTException e) {
            throw new InvalidUpstreamToken("The subject token was rejected: " + e.getMessage());
        } catch (ParseException e) {
            throw new InvalidUpstreamToken("The subject token is not a JWT.");
        } catch (BadJOSEException e) {
            throw new InvalidUpstreamToken("The subject token's signature or algorithm is not acceptable.");
        } catch (IssuerMismatch e) {
            throw new UpstreamMisconfigured("Roster's configured issuer does not match its identity provider's;"
                    + " the operator must correct ROSTER_OIDC_ISSUER.");
        } catch (JOSEException e) {
            // Discovery or the JWKS could not be fetched (an unknown kid is a BadJOSEException: no key matched).
            logOutage(e);
            throw new UpstreamUnavailable("The identity provider's signing keys could not be retrieved.", retryAfter());
        }
        // sub, exp and iat are required by the claims verifier.
        Instant acceptableUntil = claimSet.getExpirationTime().toInstant().plus(clockSkew);
        return new UpstreamAuthentication(toUser(claimSet), tokenId(claimSet, token), acceptableUntil);
    }

    /**
     * The token's {@code jti} when it has one; otherwise its signed part (header and claims). Not the signature: its
     * encoding, and for ECDSA its value, can be varied without the key, so one token could pass for several.
     */
    private static String tokenId(JWTClaimsSet claimSet, String token) {
        String jti = claimSet.getJWTID();
        if (jti != null && !jti.isBlank()) {
            return "jti:" + jti;
        }
        return "jws:" + token.substring(0, token.lastIndexOf('.'));
    }

    /**
     * Tries discovery now, as a start-up check: throws {@link IssuerMismatch} when the provider answers with another
     * issuer (a configuration error no retry will mend), returns the reason it could not be reached (Roster still
     * starts, and discovers on the first sign-in), or {@code null} when it is verified.
     */
    public @Nullable String checkDiscovery() throws IssuerMismatch {
        try {
            processor();
            return null;
        } catch (IssuerMismatch e) {
            throw e;
        } catch (JOSEException | RuntimeException e) {
            return e.getMessage();
        }
    }

    /**
     * The last known state of discovery, for the health check. Never blocks on the network (a probe with a 1 s
     * timeout must not wait for a 2 s connect timeout): when discovery has not succeeded, a retry starts in the
     * background, unless one is running, and the next check sees its outcome.
     */
    Discovery discovery() {
        if (processor != null) {
            return new Discovery(Discovery.Status.VERIFIED, provider());
        }
        if (!discovery.isLocked()) {
            Thread.ofVirtual().name("oidc-discovery").start(() -> {
                try {
                    processor();
                } catch (JOSEException | RuntimeException e) {
                    // Recorded by processor(); reported by the next check.
                }
            });
        }
        IssuerMismatch known = mismatch;
        if (known != null) {
            return new Discovery(Discovery.Status.MISCONFIGURED, known.getMessage());
        }
        return new Discovery(Discovery.Status.UNREACHABLE, lastDiscoveryError);
    }

    record Discovery(Status status, String detail) {
        enum Status {
            VERIFIED,
            UNREACHABLE,
            MISCONFIGURED
        }
    }

    /** One WARN per minute while the upstream is unreachable, without a stack trace; the rest at DEBUG. */
    private void logOutage(JOSEException e) {
        if (outageWarnings.pass().isPresent()) {
            log.warn("could not verify an upstream token against {}: {}", provider(), describe(e));
        } else {
            log.debug("could not verify an upstream token against {}", provider(), e);
        }
    }

    private static String describe(Throwable e) {
        var text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != e; cause = cause.getCause()) {
            text.append(" (").append(cause).append(')');
        }
        return text.toString();
    }

    /** While discovery is failing, when it will be tried again; otherwise a guess of the same length. */
    private Duration retryAfter() {
        Duration untilRetry = Duration.between(Instant.now(), discoveryFailedAt.plus(DISCOVERY_RETRY_DELAY));
        return untilRetry.isNegative() || untilRetry.isZero() ? DISCOVERY_RETRY_DELAY : untilRetry;
    }

    private UpstreamUser toUser(JWTClaimsSet c) {
        String subject = string(c, claims.subject());
        String email = string(c, claims.email());
        if (subject == null || subject.isBlank()) {
            throw new InvalidUpstreamToken("The subject token has no '" + claims.subject() + "' claim.");
        }
        if (email == null || email.isBlank()) {
            throw new InvalidUpstreamToken("The subject token has no '" + claims.email() + "' claim.");
        }
        return new UpstreamUser(
                subject,
                email.trim().toLowerCase(java.util.Locale.ROOT),
                verified(c.getClaim(claims.emailVerified())),
                string(c, claims.username()),
                string(c, claims.firstName()),
                string(c, claims.lastName()),
                string(c, claims.middleName()),
                string(c, claims.displayName()),
                string(c, claims.image()),
                null,
                null,
                roles(c));
    }

    private @Nullable List<RoleAssignment> roles(JWTClaimsSet c) {
        String name = claims.roles();
        if (name == null || name.isBlank() || c.getClaim(name) == null) {
            return null;
        }
        if (!(c.getClaim(name) instanceof List<?> entries)) {
            throw new InvalidUpstreamToken("The subject token's '" + name + "' claim is not a list.");
        }
        var result = new ArrayList<RoleAssignment>();
        for (Object entry : entries) {
            RoleAssignment assignment = roleAssignment(entry);
            if (assignment == null) {
                log.warn("ignoring a malformed entry of the '{}' claim from {}", name, provider());
            } else {
                result.add(assignment);
            }
        }
        return List.copyOf(result);
    }

    /** {@code {"role": "developer", "tenant": "acme"}} or {@code "tenant": {"id", "name", "slug"}}. */
    private static @Nullable RoleAssignment roleAssignment(Object entry) {
        if (!(entry instanceof Map<?, ?> map) || !(map.get("role") instanceof String role) || role.isBlank()) {
            return null;
        }
        Object tenant = map.get("tenant");
        if (tenant instanceof String id && !id.isBlank()) {
            return new RoleAssignment(role, new UpstreamTenant(id, id, null));
        }
        if (tenant instanceof Map<?, ?> t && t.get("id") instanceof String id && !id.isBlank()) {
            String tenantName = t.get("name") instanceof String n && !n.isBlank() ? n : id;
            String slug = t.get("slug") instanceof String s && !s.isBlank() ? s : null;
            return new RoleAssignment(role, new UpstreamTenant(id, tenantName, slug));
        }
        return null;
    }

    /** {@code true} or, as some providers send it, {@code "true"}; anything else is unverified. */
    private static boolean verified(@Nullable Object claim) {
        return Boolean.TRUE.equals(claim) || "true".equals(claim);
    }

    private static @Nullable String string(JWTClaimsSet c, String name) {
        return c.getClaim(name) instanceof String s ? s : null;
    }

    /**
     * The token processor, built on first use by OIDC discovery. A lock, not {@code synchronized}: on JDK 21 a
     * virtual thread blocked on network I/O inside a monitor pins its carrier. After a failed discovery, sign-ins
     * fail fast for {@link #DISCOVERY_RETRY_DELAY} instead of queueing behind one timeout after another.
     */
    private DefaultJWTProcessor<SecurityContext> processor() throws JOSEException {
        DefaultJWTProcessor<SecurityContext> p = processor;
        if (p != null) {
            return p;
        }
        discovery.lock();
        try {
            if (processor == null) {
                if (Instant.now().isBefore(discoveryFailedAt.plus(DISCOVERY_RETRY_DELAY))) {
                    IssuerMismatch known = mismatch;
                    if (known != null) {
                        throw known;
                    }
                    throw new JOSEException("OIDC discovery failed moments ago; not retrying yet");
                }
                try {
                    processor = buildProcessor();
                    mismatch = null;
                } catch (IssuerMismatch e) {
                    discoveryFailedAt = Instant.now();
                    if (mismatch == null) {
                        log.error("the OIDC provider is misconfigured: {}", e.getMessage());
                    }
                    mismatch = e;
                    throw e;
                } catch (JOSEException | RuntimeException e) {
                    discoveryFailedAt = Instant.now();
                    mismatch = null;
                    lastDiscoveryError = String.valueOf(e.getMessage());
                    throw e;
                }
            }
            return processor;
        } finally {
            discovery.unlock();
        }
    }

    private DefaultJWTProcessor<SecurityContext> buildProcessor() throws JOSEException {
        String iss = issuer.get();
        URL jwksUri = discoverJwksUri(iss);
        int timeoutMs = (int) httpTimeout.toMillis();
        // Cached (nimbus: 5 minutes, refreshed ahead of expiry), retried once on a network error; an unknown kid
        // triggers a refetch (the upstream rotated its keys), at most once per interval (UpstreamKeys).
        var cached = (JWKSetBasedJWKSource<SecurityContext>)
                JWKSourceBuilder.create(jwksUri, new DefaultResourceRetriever(timeoutMs, timeoutMs, 1024 * 1024))
                        .retrying(true)
                        .rateLimited(false)
                        .build();
        JWKSource<SecurityContext> keys = new UpstreamKeys(cached.getJWKSetSource(), jwksMinRefetchInterval);
        var p = new DefaultJWTProcessor<SecurityContext>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(ACCEPTED_ALGORITHMS, keys));
        var verifier = new DefaultJWTClaimsVerifier<SecurityContext>(
                audience, new JWTClaimsSet.Builder().issuer(iss).build(), Set.of("sub", "exp", "iat"));
        verifier.setMaxClockSkew((int) clockSkew.toSeconds());
        p.setJWTClaimsSetVerifier(verifier);
        resolvedIssuer = iss;
        log.info("OIDC connector trusts issuer {} (JWKS {}), audience {}", iss, jwksUri, audience);
        return p;
    }

    private URL discoverJwksUri(String iss) throws JOSEException {
        URI discovery = URI.create(iss.replaceAll("/+$", "") + "/.well-known/openid-configuration");
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(httpTimeout).build()) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(discovery).timeout(httpTimeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new JOSEException("discovery answered " + response.statusCode());
            }
            JsonNode document = json.readTree(response.body());
            String advertisedIssuer = document.path("issuer").asString("");
            if (!iss.equals(advertisedIssuer)) {
                throw new IssuerMismatch(iss, advertisedIssuer, discovery);
            }
            String jwks = document.path("jwks_uri").asString("");
            if (jwks.isBlank()) {
                throw new JOSEException("discovery has no jwks_uri");
            }
            return URI.create(jwks).toURL();
        } catch (IOException | IllegalArgumentException | tools.jackson.core.JacksonException e) {
            throw new JOSEException("OIDC discovery at " + discovery + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JOSEException("interrupted during OIDC discovery", e);
        }
    }
}
