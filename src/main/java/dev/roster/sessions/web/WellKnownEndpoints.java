package dev.roster.sessions.web;

import dev.roster.platform.PublicUrl;
import dev.roster.sessions.SigningKeys;
import java.util.List;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What services downstream need to verify Roster's access tokens themselves. */
@RestController
class WellKnownEndpoints {

    private final SigningKeys keys;
    private final PublicUrl publicUrl;

    WellKnownEndpoints(SigningKeys keys, PublicUrl publicUrl) {
        this.keys = keys;
        this.publicUrl = publicUrl;
    }

    @GetMapping(path = "/.well-known/jwks.json", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> jwks() {
        // A rotated-in key is published this long before it signs (ROSTER_KEYS_ACTIVATION_DELAY defaults to it), so
        // a verifier honouring the max-age never meets an unknown kid; see docs/operations.md.
        return ResponseEntity.ok()
                .cacheControl(CacheControl.maxAge(keys.jwksMaxAge()).cachePublic())
                .body(keys.jwks());
    }

    /** Changes only with the configuration: cached as long as the JWKS. */
    @GetMapping(path = "/.well-known/openid-configuration", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> openidConfiguration() {
        String base = publicUrl.get();
        return ResponseEntity.ok()
                .cacheControl(CacheControl.maxAge(keys.jwksMaxAge()).cachePublic())
                .body(Map.of(
                        "issuer", base,
                        "jwks_uri", base + "/.well-known/jwks.json",
                        "token_endpoint", base + "/v1/auth/token",
                        "userinfo_endpoint", base + "/v1/me",
                        "grant_types_supported",
                                List.of(
                                        "urn:ietf:params:oauth:grant-type:token-exchange",
                                        "refresh_token",
                                        "client_credentials"),
                        // "none" for the sign-in and refresh grants (public clients); service accounts, by secret.
                        "token_endpoint_auth_methods_supported",
                                List.of("none", "client_secret_basic", "client_secret_post"),
                        "id_token_signing_alg_values_supported", List.of("RS256"),
                        "subject_types_supported", List.of("public"),
                        "response_types_supported", List.of("none"),
                        "claims_supported", List.of("iss", "aud", "sub", "sid", "email", "tid", "iat", "exp")));
    }
}
