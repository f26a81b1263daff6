package dev.roster.scim;

import dev.roster.platform.RosterException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.web.util.UrlPathHelper;

/**
 * Every refusal under {@code /scim/v2} in the SCIM error format (RFC 7644 §3.12), whatever raised it: a SCIM
 * controller, the authentication filter, Roster's parameter checks, or Spring itself (no such path, a method the path
 * does not take). Runs before Roster's problem+json handler and declines everything outside {@code /scim/}, which
 * therefore stays problem+json. Causes Roster does not recognise are logged and answered as a bare 500.
 */
public final class ScimErrors implements HandlerExceptionResolver {

    private static final Logger log = LoggerFactory.getLogger(ScimErrors.class);
    private static final UrlPathHelper PATHS = new UrlPathHelper();

    /** Whether {@code request} is a SCIM request, answered in SCIM's formats. */
    public static boolean isScim(HttpServletRequest request) {
        return PATHS.getPathWithinApplication(request).startsWith("/scim/");
    }

    @Override
    public @Nullable ModelAndView resolveException(
            HttpServletRequest request, HttpServletResponse response, @Nullable Object handler, Exception e) {
        if (!isScim(request)) {
            return null;
        }
        ScimError error = translate(e);
        if (e instanceof HttpRequestMethodNotSupportedException m) {
            Set<String> allowed = m.getSupportedMethods() == null ? Set.of() : Set.of(m.getSupportedMethods());
            response.setHeader("Allow", String.join(", ", allowed));
        }
        write(response, error);
        return new ModelAndView();
    }

    /** Writes {@code error} as the answer; for the filter, which runs before Spring MVC. */
    static void write(HttpServletResponse response, ScimError error) {
        try {
            response.resetBuffer();
            response.setStatus(error.status());
            response.setContentType(ScimJson.MEDIA_TYPE);
            response.setHeader("Cache-Control", "no-store");
            if (error.status() == 401) {
                response.setHeader("WWW-Authenticate", "Bearer realm=\"roster-scim\"");
            }
            if (error.status() == 503) {
                response.setHeader("Retry-After", "5");
            }
            response.getOutputStream()
                    .write(ScimJson.bytes(ScimJson.error(error.status(), error.scimType(), error.getMessage())));
        } catch (IOException | IllegalStateException e) {
            // The client went away, or the answer was already committed: nothing left to tell it.
        }
    }

    /** The database is out of reach for now: worth retrying, as IdPs do after a 503. */
    static ScimError unavailable(Exception cause) {
        log.warn("SCIM request answered 503: the database is out of reach", cause);
        return new ScimError(503, null, "Roster cannot reach its database right now; retry shortly.");
    }

    private static ScimError translate(Exception e) {
        return switch (e) {
            case ScimError scim -> scim;
            case RosterException roster ->
                new ScimError(
                        roster.status().value(),
                        roster.status().value() == 400 ? "invalidValue" : null,
                        java.util.Objects.requireNonNullElse(roster.getMessage(), "The request was refused."));
            case NoResourceFoundException ignored -> ScimError.notFound("There is no such SCIM endpoint.");
            case HttpRequestMethodNotSupportedException m ->
                new ScimError(405, null, "This endpoint does not take " + m.getMethod() + ".");
            case HttpMediaTypeNotAcceptableException ignored ->
                new ScimError(406, null, "Answers are application/scim+json (or application/json).");
            case HttpMediaTypeNotSupportedException ignored ->
                new ScimError(415, null, "Bodies must be application/scim+json (or application/json).");
            case MissingServletRequestParameterException m ->
                ScimError.invalidValue("Parameter '" + m.getParameterName() + "' is required.");
            case MethodArgumentTypeMismatchException m ->
                ScimError.invalidValue("Parameter '" + m.getName() + "' has a value of the wrong type.");
            case TypeMismatchException ignored -> ScimError.invalidValue("A parameter has a value of the wrong type.");
            case HttpMessageNotReadableException ignored ->
                ScimError.invalidSyntax("The request body is not valid JSON of the expected shape.");
            case org.springframework.dao.QueryTimeoutException ignored ->
                ScimError.tooMany(
                        "The request ran longer than Roster allows a SCIM list (ROSTER_SCIM_STATEMENT_TIMEOUT):"
                                + " narrow the filter (eq on userName, externalId or id is served by an index).");
            case org.springframework.dao.DataAccessResourceFailureException failure -> unavailable(failure);
            case org.springframework.transaction.CannotCreateTransactionException failure -> unavailable(failure);
            case org.springframework.dao.TransientDataAccessException contention -> {
                // A deadlock's loser, a lock that timed out: the same request again will likely go through.
                log.warn("SCIM request lost to a concurrent change; answered 503", contention);
                yield new ScimError(503, null, "A concurrent change got in the way; retry shortly.");
            }
            case org.springframework.dao.DuplicateKeyException ignored ->
                new ScimError(409, "uniqueness", "A concurrent request made the same resource; read it and retry.");
            case org.springframework.dao.DataIntegrityViolationException ignored ->
                new ScimError(409, null, "A concurrent change conflicts with this request; read again and retry.");
            default -> {
                log.error("unhandled error under /scim/v2", e);
                yield new ScimError(500, null, "Something went wrong on our side; the request id identifies it.");
            }
        };
    }
}
