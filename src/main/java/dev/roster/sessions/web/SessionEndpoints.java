package dev.roster.sessions.web;

import dev.roster.authz.Allow;
import dev.roster.authz.Rule;
import dev.roster.platform.AuthenticatedUser;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.Problems;
import dev.roster.platform.RosterException;
import dev.roster.sessions.RefreshTokenRejected;
import dev.roster.sessions.SignIn;
import dev.roster.sessions.TokenResponse;
import dev.roster.sessions.TokenSettings;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Session endpoints for browser apps: refresh with a JSON body or the HttpOnly refresh cookie, and logout. Errors
 * are problem+json (401 {@code invalid_refresh_token} / {@code refresh_token_reused}).
 */
@RestController
@RequestMapping("/v1/auth")
class SessionEndpoints {

    private final SignIn signIn;
    private final String cookieName;
    private final Duration cookieLifetime;

    SessionEndpoints(SignIn signIn, TokenSettings tokens) {
        this.signIn = signIn;
        this.cookieName = tokens.refreshCookieName();
        this.cookieLifetime = tokens.refreshTokenTtl();
    }

    record RefreshRequest(@Nullable String refreshToken) {}

    /**
     * Rotates the refresh token given in the body, else in the cookie. When it came in the cookie, its successor
     * goes back in the cookie too.
     */
    @Problems({
        ErrorCode.INVALID_REFRESH_TOKEN,
        ErrorCode.REFRESH_TOKEN_REUSED,
        ErrorCode.REFRESH_TOKEN_MISSING,
        ErrorCode.USER_DEACTIVATED
    })
    @PostMapping("/refresh")
    @Allow(Rule.PUBLIC)
    ResponseEntity<TokenResponse> refresh(
            @RequestBody(required = false) @Nullable RefreshRequest body,
            @CookieValue(name = "${roster.tokens.refresh-cookie-name:roster_refresh_token}", required = false) @Nullable
                    String cookie,
            HttpServletRequest request) {
        String fromBody = body == null ? null : body.refreshToken();
        boolean viaCookie = (fromBody == null || fromBody.isBlank()) && cookie != null && !cookie.isBlank();
        String refreshToken = viaCookie ? cookie : fromBody;
        if (refreshToken == null || refreshToken.isBlank()) {
            throw new RosterException(
                    ErrorCode.REFRESH_TOKEN_MISSING, "Send {\"refresh_token\": …} or the " + cookieName + " cookie.");
        }
        try {
            TokenResponse tokens = signIn.refresh(refreshToken);
            var response = ResponseEntity.ok().cacheControl(CacheControl.noStore());
            if (viaCookie) {
                response.header(
                        HttpHeaders.SET_COOKIE,
                        cookie(Objects.requireNonNull(tokens.refreshToken()), cookieLifetime, request));
            }
            return response.body(tokens);
        } catch (RefreshTokenRejected e) {
            if (viaCookie) {
                throw new CookieCleared(e, cookie("", Duration.ZERO, request));
            }
            throw e;
        }
    }

    /** Ends the session of the bearer token; its access tokens are refused from the next request on, on every node. */
    @PostMapping("/logout")
    @Allow(Rule.SIGNED_IN)
    ResponseEntity<Void> logout(AuthenticatedUser user, HttpServletRequest request) {
        signIn.signOut(user.sessionId());
        return ResponseEntity.noContent()
                .header(HttpHeaders.SET_COOKIE, cookie("", Duration.ZERO, request))
                .build();
    }

    private String cookie(String value, Duration maxAge, HttpServletRequest request) {
        return ResponseCookie.from(cookieName, value)
                .httpOnly(true)
                .secure(request.isSecure())
                .sameSite("Strict")
                .path("/v1/auth")
                .maxAge(maxAge)
                .build()
                .toString();
    }

    /** The rejection, plus the instruction to drop the dead cookie. */
    static final class CookieCleared extends RosterException {
        final String setCookie;
        private final @Nullable String challenge;

        CookieCleared(RosterException cause, String setCookie) {
            super(cause.errorCode(), cause.getMessage());
            this.setCookie = setCookie;
            this.challenge = cause.wwwAuthenticate();
        }

        @Override
        public @Nullable String wwwAuthenticate() {
            return challenge;
        }
    }

    @org.springframework.web.bind.annotation.ExceptionHandler(CookieCleared.class)
    ResponseEntity<org.springframework.http.ProblemDetail> cookieCleared(CookieCleared e) {
        var headers = new HttpHeaders();
        headers.add(HttpHeaders.SET_COOKIE, e.setCookie);
        if (e.wwwAuthenticate() != null) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, e.wwwAuthenticate());
        }
        return dev.roster.platform.ProblemHandler.problem(e.errorCode(), e.getMessage(), headers);
    }
}
