package dev.roster.scim;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates every {@code /scim/v2/**} request by its SCIM client token ({@code Authorization: Bearer scim_…}),
 * and nothing else: a user's or service account's access token is refused here, as any other credential. One
 * primary-key lookup per request, never cached, so a deleted client or an ended token is refused on its very next
 * request, on every node. Refusals are {@code 401} in the SCIM error format.
 */
class ScimAuthentication extends OncePerRequestFilter {

    private final ScimClients clients;

    ScimAuthentication(ScimClients clients) {
        this.clients = clients;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !ScimErrors.isScim(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ScimCaller caller;
        try {
            caller = authenticate(request.getHeader("Authorization"));
        } catch (ScimError e) {
            ScimErrors.write(response, e);
            return;
        } catch (org.springframework.dao.DataAccessResourceFailureException
                | org.springframework.transaction.CannotCreateTransactionException e) {
            // The token cannot be checked: not the client's fault, and not a reason to let it in.
            ScimErrors.write(response, ScimErrors.unavailable(e));
            return;
        }
        request.setAttribute(ScimCaller.REQUEST_ATTRIBUTE, caller);
        // Answers about a tenant's people: no shared cache (proxy, CDN) may keep them.
        response.setHeader("Cache-Control", "no-store");
        chain.doFilter(request, response);
    }

    private ScimCaller authenticate(@Nullable String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw ScimError.unauthorized("SCIM requests need a SCIM client's token (Authorization: Bearer).");
        }
        if (authorization.length() < 8 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ScimError.unauthorized("The Authorization header must use the Bearer scheme.");
        }
        String token = authorization.substring(7).trim();
        if (!token.startsWith(ScimTokens.PREFIX)) {
            throw ScimError.unauthorized(
                    "This is not a SCIM client's token; user access tokens are not accepted here.");
        }
        return clients.authenticate(ScimTokens.hash(token))
                .orElseThrow(() -> ScimError.unauthorized("The SCIM client token is unknown, ended or revoked."));
    }
}
