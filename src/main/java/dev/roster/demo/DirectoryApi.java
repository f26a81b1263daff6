package dev.roster.demo;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.InvalidBearerToken;
import dev.roster.platform.JsonBody;
import dev.roster.platform.ProblemHandler;
import dev.roster.platform.RosterException;
import dev.roster.platform.Text;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Date;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The demo upstream's REST directory, the server side of the contract Roster's REST directory connector speaks:
 *
 * <ul>
 *   <li>{@code GET /users/me} with {@code Authorization: Bearer <ID token of the demo provider>}: the token's user;
 *   <li>{@code GET /users/{id}} and {@code GET /users/search?q=&limit=} with the service's key in {@code X-API-Key}
 *       ({@link DemoDirectoryAccess#apiKey()});
 *   <li>Roster's write-back, with the key: {@code PUT /users/{id}/roles/{tenant}} ({@code {"role": "…"}}) and
 *       {@code DELETE /users/{id}/roles/{tenant}}.
 * </ul>
 *
 * Refused credentials are {@code 401}, an unknown user {@code 404}; every answer first goes through the
 * {@link DirectoryFaults} and is counted in the {@link DirectoryStats}. Loopback clients only.
 */
@RestController
@RequestMapping("/demo/directory/api/v1/users")
@Conditional(DemoUpstreamCondition.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class DirectoryApi {

    static final String API_KEY_HEADER = "X-API-Key";
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private final DirectoryUsers users;
    private final DemoKeys keys;
    private final DirectoryFaults faults;
    private final DirectoryStats stats;
    private final byte[] apiKey;
    private final boolean openDirectory;

    DirectoryApi(
            DirectoryUsers users,
            DemoKeys keys,
            DirectoryFaults faults,
            DirectoryStats stats,
            DemoDirectoryAccess access,
            DemoSettings settings) {
        this.openDirectory = settings.openDirectory();
        this.users = users;
        this.keys = keys;
        this.faults = faults;
        this.stats = stats;
        this.apiKey = access.apiKey().getBytes(StandardCharsets.UTF_8);
    }

    record Users(List<DirectoryUser> users) {}

    /** The user an ID token of the demo provider names: signature, issuer and expiry are checked, not the audience. */
    @GetMapping("/me")
    DirectoryUser me(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
            HttpServletRequest request) {
        Loopback.require(request);
        stats.me();
        faults.apply();
        String subject = subject(authorization);
        return users.find(subject).orElseThrow(() -> unknown(subject));
    }

    @GetMapping("/search")
    Users search(
            @RequestHeader(name = API_KEY_HEADER, required = false) @Nullable String key,
            @RequestParam(name = "q", required = false) @Nullable String q,
            @RequestParam(name = "limit", defaultValue = "" + DEFAULT_LIMIT) int limit,
            HttpServletRequest request) {
        Loopback.require(request);
        stats.search();
        faults.apply();
        requireApiKey(key);
        if (limit < 1) {
            throw ErrorCode.INVALID_PARAMETER.problem("'limit' must be at least 1.");
        }
        String query = q == null || q.isBlank() ? "" : Text.parameter("q", q.strip(), 200);
        return new Users(users.search(query, Math.min(limit, MAX_LIMIT)));
    }

    /**
     * A user by id. With the open directory (benchmarks), an address the table does not hold is a user who exists
     * and about whose roles the directory says nothing (no {@code roles} field): a pull changes neither their roles
     * nor their activity, as their sign-in did not.
     */
    @GetMapping("/{id}")
    Object fetch(
            @RequestHeader(name = API_KEY_HEADER, required = false) @Nullable String key,
            @PathVariable String id,
            HttpServletRequest request) {
        Loopback.require(request);
        stats.fetch();
        faults.apply();
        requireApiKey(key);
        var user = users.find(id);
        if (user.isPresent()) {
            return user.get();
        }
        if (openDirectory && id.indexOf('@') > 0 && id.length() <= 255) {
            return java.util.Map.of("id", id, "email", id, "is_active", true);
        }
        throw unknown(id);
    }

    /**
     * Write-back from Roster: the user holds {@code role} in the tenant {@code tenant} (the directory's key) from now
     * on. {@code 404} for a user the directory does not hold. The {@code Idempotency-Key} is not needed (a PUT is
     * idempotent) but counted, so tests and benchmarks can tell retries from new writes.
     */
    @PutMapping(path = "/{id}/roles/{tenant}", consumes = "application/json")
    java.util.Map<String, Object> putRole(
            @RequestHeader(name = API_KEY_HEADER, required = false) @Nullable String key,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey,
            @PathVariable String id,
            @PathVariable String tenant,
            @RequestBody byte[] body,
            HttpServletRequest request) {
        Loopback.require(request);
        stats.write(idempotencyKey);
        faults.apply();
        requireApiKey(key);
        String role = JsonBody.parse(body, "role").text("role", 63, true);
        if (!users.putRole(id, Text.parameter("tenant", tenant, 255), role)) {
            throw unknown(id);
        }
        return java.util.Map.of("id", id, "tenant", tenant, "role", role);
    }

    /** Write-back from Roster: the user holds no role in the tenant. {@code 404} when they held none (or are unknown). */
    @DeleteMapping("/{id}/roles/{tenant}")
    ResponseEntity<Void> deleteRole(
            @RequestHeader(name = API_KEY_HEADER, required = false) @Nullable String key,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey,
            @PathVariable String id,
            @PathVariable String tenant,
            HttpServletRequest request) {
        Loopback.require(request);
        stats.write(idempotencyKey);
        faults.apply();
        requireApiKey(key);
        if (!users.removeRole(id, Text.parameter("tenant", tenant, 255))) {
            throw unknown(id);
        }
        return ResponseEntity.noContent().build();
    }

    /** A simulated outage: {@code 503} with {@code Retry-After}, as a directory behind a load balancer would say. */
    @ExceptionHandler(DirectoryFaults.Outage.class)
    ResponseEntity<ProblemDetail> outage(DirectoryFaults.Outage e) {
        var headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Integer.toString(DirectoryFaults.RETRY_AFTER_SECONDS));
        return ProblemHandler.problem(
                ErrorCode.UPSTREAM_UNAVAILABLE, "The demo directory is down (its outage knob).", headers);
    }

    private String subject(@Nullable String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new InvalidBearerToken(
                    ErrorCode.TOKEN_MISSING, "This endpoint needs a demo ID token (Authorization: Bearer).", false);
        }
        if (authorization.length() < 8 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw InvalidBearerToken.invalid("The Authorization header must use the Bearer scheme.");
        }
        JWTClaimsSet claims = keys.signedClaims(authorization.substring(7).strip())
                .orElseThrow(() -> InvalidBearerToken.invalid("The token is not one the demo provider signed."));
        if (!keys.issuer().equals(claims.getIssuer())) {
            throw InvalidBearerToken.invalid("The token is of another issuer.");
        }
        Date expiry = claims.getExpirationTime();
        if (expiry == null || !expiry.after(new Date())) {
            throw new InvalidBearerToken(ErrorCode.TOKEN_EXPIRED, "The ID token has expired.", true);
        }
        String subject = claims.getSubject();
        if (subject == null || subject.isBlank()) {
            throw InvalidBearerToken.invalid("The token names no subject.");
        }
        return subject;
    }

    private void requireApiKey(@Nullable String key) {
        if (key == null || key.isEmpty()) {
            throw new ApiKeyRefused(
                    ErrorCode.TOKEN_MISSING, "This endpoint needs the directory's API key in " + API_KEY_HEADER + ".");
        }
        if (!MessageDigest.isEqual(apiKey, key.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiKeyRefused(ErrorCode.INVALID_TOKEN, "The API key is not the directory's.");
        }
    }

    private static RosterException unknown(String id) {
        return new RosterException(
                ErrorCode.DEMO_USER_NOT_FOUND, "The demo directory has no user " + Text.printable(id) + ".");
    }

    /** A missing or wrong API key: {@code 401} with a challenge that names the header (RFC 9110 §11.6.1). */
    static final class ApiKeyRefused extends RosterException {
        ApiKeyRefused(ErrorCode code, String detail) {
            super(code, detail);
        }

        @Override
        public String wwwAuthenticate() {
            return "ApiKey header=\"" + API_KEY_HEADER + "\"";
        }
    }
}
