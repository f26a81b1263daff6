package dev.roster.sessions.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.roster.authz.Allow;
import dev.roster.authz.Rule;
import dev.roster.connectors.InvalidUpstreamToken;
import dev.roster.connectors.UpstreamMisconfigured;
import dev.roster.connectors.UpstreamUnavailable;
import dev.roster.platform.RosterException;
import dev.roster.platform.Text;
import dev.roster.serviceaccounts.InvalidClient;
import dev.roster.sessions.AccountDeactivated;
import dev.roster.sessions.RefreshTokenRejected;
import dev.roster.sessions.SignIn;
import dev.roster.sessions.TokenResponse;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The OAuth 2.0 token endpoint, form-encoded as OAuth client libraries expect: RFC 8693 token exchange to sign in
 * with an upstream token, the refresh_token grant, and the client_credentials grant for service accounts (client
 * authentication by HTTP Basic or by form fields, RFC 6749 §2.3.1). Errors are RFC 6749 §5.2 JSON ({@code error},
 * {@code error_description}), not problem+json, because that is what those clients parse.
 */
@RestController
class TokenEndpoint {

    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final Set<String> SUBJECT_TOKEN_TYPES = Set.of(
            "urn:ietf:params:oauth:token-type:id_token",
            "urn:ietf:params:oauth:token-type:access_token",
            "urn:ietf:params:oauth:token-type:jwt");

    static final String CLIENT_CREDENTIALS = "client_credentials";

    /** RFC 6749 §5.2: a 401 for a failed client authentication challenges the scheme the client may use. */
    static final String BASIC_CHALLENGE = "Basic realm=\"roster\", charset=\"UTF-8\"";

    private static final int MAX_CLIENT_CREDENTIAL = 256;

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
    ResponseEntity<TokenResponse> token(
            @RequestParam MultiValueMap<String, String> form,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization) {
        String grantType = single(form, "grant_type");
        TokenResponse tokens = switch (grantType) {
            case TOKEN_EXCHANGE -> exchange(form);
            case "refresh_token" -> signIn.refresh(single(form, "refresh_token"));
            case CLIENT_CREDENTIALS -> clientCredentials(form, authorization);
            default ->
                throw new OAuthFailure(
                        HttpStatus.BAD_REQUEST,
                        "unsupported_grant_type",
                        "Supported: " + TOKEN_EXCHANGE + ", refresh_token, " + CLIENT_CREDENTIALS + ".");
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

    private record Client(String id, String secret) {}

    /**
     * RFC 6749 §4.4. The client authenticates with HTTP Basic ({@code client_secret_basic}) or with
     * {@code client_id} and {@code client_secret} in the form ({@code client_secret_post}), never both (§2.3). Roster
     * defines no scopes: a {@code scope} is refused rather than silently ignored.
     */
    private TokenResponse clientCredentials(MultiValueMap<String, String> form, @Nullable String authorization) {
        if (optional(form, "scope") != null) {
            throw new OAuthFailure(
                    HttpStatus.BAD_REQUEST,
                    "invalid_scope",
                    "Roster defines no scopes; what a service account may do comes from its memberships and grants.");
        }
        String formId = optional(form, "client_id");
        String formSecret = optional(form, "client_secret");
        Client client;
        if (authorization != null) {
            if (formSecret != null) {
                throw new OAuthFailure(
                        HttpStatus.BAD_REQUEST,
                        "invalid_request",
                        "Authenticate the client one way: HTTP Basic or client_secret in the form, not both.");
            }
            client = basic(authorization);
            if (formId != null && !formId.equals(client.id())) {
                throw new OAuthFailure(
                        HttpStatus.BAD_REQUEST,
                        "invalid_request",
                        "client_id in the form is not the client of the Authorization header.");
            }
        } else if (formId != null && formSecret != null) {
            client = new Client(formId, formSecret);
        } else {
            throw new InvalidClient();
        }
        if (client.id().length() > MAX_CLIENT_CREDENTIAL || client.secret().length() > MAX_CLIENT_CREDENTIAL) {
            throw new InvalidClient();
        }
        return signIn.clientCredentials(client.id(), client.secret());
    }

    /**
     * RFC 6749 §2.3.1: {@code Basic base64(urlencode(client_id) ":" urlencode(client_secret))}. Anything that does
     * not decode so is a failed client authentication.
     */
    private static Client basic(String authorization) {
        if (authorization.length() < 7 || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new InvalidClient();
        }
        try {
            String decoded = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(Base64.getDecoder()
                            .decode(authorization.substring(6).trim())))
                    .toString();
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new InvalidClient();
            }
            String id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            String secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            if (id.isEmpty() || secret.isEmpty() || Text.unstorable(id) != null || Text.unstorable(secret) != null) {
                throw new InvalidClient();
            }
            return new Client(id, secret);
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw new InvalidClient();
        }
    }

    /** A parameter that may be absent; RFC 6749 §3.2: one sent without a value counts as absent. */
    private static @Nullable String optional(MultiValueMap<String, String> form, String name) {
        var values = form.get(name);
        if (values == null
                || values.isEmpty()
                || (values.size() == 1 && values.getFirst().isEmpty())) {
            return null;
        }
        return single(form, name);
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

    /**
     * RFC 6749 §5.2: 401 with a challenge. The same answer for an unknown client, a wrong or expired secret and a
     * deactivated account.
     */
    @ExceptionHandler(InvalidClient.class)
    ResponseEntity<OAuthError> invalidClient(InvalidClient e) {
        return error(
                HttpStatus.UNAUTHORIZED,
                "invalid_client",
                e.getMessage(),
                HttpHeaders.WWW_AUTHENTICATE,
                BASIC_CHALLENGE);
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
