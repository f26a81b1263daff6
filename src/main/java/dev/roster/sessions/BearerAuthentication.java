package dev.roster.sessions;

import dev.roster.platform.AuthenticatedUser;
import dev.roster.platform.InvalidBearerToken;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.util.UrlPathHelper;

/**
 * Authenticates every {@code /v1/**} request but the token endpoints and the deliveries of webhook sources: a valid Roster access token (verified once per
 * node, then cached until it expires) whose session still stands (checked on every request, through an exact
 * cache, so a logout is honoured on the very next request on every node).
 */
class BearerAuthentication extends OncePerRequestFilter {

    private static final Set<String> OPEN = Set.of("/v1/auth/token", "/v1/auth/refresh");
    /** A webhook source's deliveries (inbound): authenticated by their signature, not by a token. */
    private static final java.util.regex.Pattern SIGNED =
            java.util.regex.Pattern.compile("/v1/webhook-sources/[^/]+/events");

    private static final UrlPathHelper PATHS = new UrlPathHelper();

    private final AccessTokens accessTokens;
    private final Sessions sessions;
    private final HandlerExceptionResolver errors;

    BearerAuthentication(AccessTokens accessTokens, Sessions sessions, HandlerExceptionResolver errors) {
        this.accessTokens = accessTokens;
        this.sessions = sessions;
        this.errors = errors;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // Decoded and normalized, as Spring matches handlers: /%761/me is /v1/me here too.
        String path = PATHS.getPathWithinApplication(request);
        return !path.startsWith("/v1/")
                || OPEN.contains(path)
                || ("POST".equals(request.getMethod()) && SIGNED.matcher(path).matches());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        AuthenticatedUser user;
        try {
            user = authenticate(request.getHeader("Authorization"));
        } catch (InvalidBearerToken e) {
            errors.resolveException(request, response, null, e);
            return;
        }
        request.setAttribute(AuthenticatedUser.REQUEST_ATTRIBUTE, user);
        // Answers about one signed-in user: no shared cache (proxy, CDN) may keep them.
        response.setHeader("Cache-Control", "no-store");
        chain.doFilter(request, response);
    }

    private AuthenticatedUser authenticate(@org.jspecify.annotations.Nullable String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw InvalidBearerToken.missing();
        }
        if (authorization.length() < 8 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw InvalidBearerToken.invalid("The Authorization header must use the Bearer scheme.");
        }
        AuthenticatedUser user = accessTokens.verify(authorization.substring(7).trim());
        if (!sessions.isActive(user.sessionId())) {
            throw InvalidBearerToken.sessionEnded();
        }
        return user;
    }
}
