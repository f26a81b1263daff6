package dev.roster.sessions.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.roster.authz.Allow;
import dev.roster.authz.Rule;
import dev.roster.connectors.InvalidUpstreamToken;
import dev.roster.connectors.UpstreamMisconfigured;
import dev.roster.connectors.UpstreamUnavailable;
import dev.roster.platform.RosterException;
import dev.roster.platform.Text;
import dev.roster.sessions.AccountDeactivated;
import dev.roster.sessions.RefreshTokenRejected;
import dev.roster.sessions.SignIn;
import dev.roster.sessions.TokenResponse;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The OAuth 2.0 token endpoint, form-encoded as OAuth client libraries expect: RFC 8693 token exchange to sign in
 * with an upstream token, and the refresh_token grant. Errors are RFC 6749 §5.2 JSON ({@code error},
 * {@code error_description}), not problem+json, because that is what those clients parse.
 */
@RestController
class TokenEndpoint {

    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final Set<String> SUBJECT_TOKEN_TYPES = Set.of(
            "urn:ietf:params:oauth:token-type:id_token",
            "urn:ietf:params:oauth:token-type:access_token",
            "urn:ietf:params:oauth:token-type:jwt");

    private final SignIn signIn;

    TokenEndpoint(SignIn signIn) {
        this.signIn = signIn;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record OAuthError(String error, @Nullable String errorDescription) {}

    /** A request the token endpoint refuses, with its RFC 6749 error code. */
    static final class OAuthFailure extends RuntimeException {
        final HttpStatus status;
        final String error;

        OAuthFailure(HttpStatus status, String error, String description) {
            super(description, null, false, false);
            this.status = status;
            this.error = error;
        }
    }

    @Allow(Rule.PUBLIC)
    @PostMapping(path = "/v1/auth/token", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<TokenResponse> token(@RequestParam MultiValueMap<String, String> form) {
        String grantType = single(form, "grant_type");
        TokenResponse tokens = switch (grantType) {
            case TOKEN_EXCHANGE -> exchange(form);
            case "refresh_token" -> signIn.refresh(single(form, "refresh_token"));
            default ->
                throw new OAuthFailure(
                        HttpStatus.BAD_REQUEST,
                        "unsupported_grant_type",
                        "Supported: " + TOKEN_EXCHANGE + ", refresh_token.");
        };
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                .header("Pragma", "no-cache")
                .body(tokens);
    }

    private TokenResponse exchange(MultiValueMap<String, String> form) {
        String subjectToken = single(form, "subject_token");
        String type = single(form, "subject_token_type");
        if (!SUBJECT_TOKEN_TYPES.contains(type)) {
            throw new OAuthFailure(
                    HttpStatus.BAD_REQUEST,
                    "invalid_request",
                    "subject_token_type must be an id_token or access_token.");
        }
        return signIn.exchange(subjectToken);
    }

    private static String single(MultiValueMap<String, String> form, String name) {
        var values = form.get(name);
        if (values == null || values.isEmpty() || values.getFirst().isBlank()) {
            throw new OAuthFailure(HttpStatus.BAD_REQUEST, "invalid_request", "Missing parameter '" + name + "'.");
        }
        if (values.size() > 1) {
            throw new OAuthFailure(HttpStatus.BAD_REQUEST, "invalid_request", "Parameter '" + name + "' repeated.");
        }
        String problem = Text.unstorable(values.getFirst());
        if (problem != null) {
            throw new OAuthFailure(HttpStatus.BAD_REQUEST, "invalid_request", "Parameter '" + name + "' " + problem);
        }
        return values.getFirst();
    }

    @ExceptionHandler(OAuthFailure.class)
    ResponseEntity<OAuthError> oauthFailure(OAuthFailure e) {
        return error(e.status, e.error, e.getMessage());
    }

    /** RFC 8693 §2.2.2: an unacceptable subject token is an {@code invalid_request}. */
    @ExceptionHandler(InvalidUpstreamToken.class)
    ResponseEntity<OAuthError> invalidSubjectToken(InvalidUpstreamToken e) {
        return error(HttpStatus.BAD_REQUEST, "invalid_request", e.getMessage());
    }

    @ExceptionHandler({RefreshTokenRejected.class, AccountDeactivated.class})
    ResponseEntity<OAuthError> invalidGrant(RosterException e) {
        return error(HttpStatus.BAD_REQUEST, "invalid_grant", e.getMessage());
    }

    /** RFC 9110 §10.2.3: a 503 says when to come back. */
    @ExceptionHandler(UpstreamUnavailable.class)
    ResponseEntity<OAuthError> upstreamUnavailable(UpstreamUnavailable e) {
        return error(
                HttpStatus.SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                e.getMessage(),
                HttpHeaders.RETRY_AFTER,
                Long.toString(e.retryAfterSeconds()));
    }

    /** Not temporary: nothing the client can do, and no point retrying until an operator acts. */
    @ExceptionHandler(UpstreamMisconfigured.class)
    ResponseEntity<OAuthError> upstreamMisconfigured(UpstreamMisconfigured e) {
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "server_error", e.getMessage());
    }

    private static ResponseEntity<OAuthError> error(
            HttpStatus status, String error, @Nullable String description, String... headerNamesAndValues) {
        var answer = ResponseEntity.status(status).cacheControl(CacheControl.noStore());
        for (int i = 0; i < headerNamesAndValues.length; i += 2) {
            answer.header(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
        }
        return answer.contentType(MediaType.APPLICATION_JSON).body(new OAuthError(error, description));
    }
}
