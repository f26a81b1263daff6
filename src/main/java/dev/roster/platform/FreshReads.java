package dev.roster.platform;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * {@code ?min_version=n} on any {@code /v1} request: the answer reflects at least every change committed up to
 * version {@code n}, on whichever node answers (see {@link Versions}).
 */
class FreshReads implements HandlerInterceptor {

    static final String PARAMETER = "min_version";

    private final Versions versions;

    FreshReads(Versions versions) {
        this.versions = versions;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String query = request.getQueryString();
        if (query == null || !query.contains(PARAMETER)) {
            return true; // the common case costs one substring search
        }
        String[] values = request.getParameterValues(PARAMETER);
        if (values == null) {
            return true;
        }
        if (values.length != 1) {
            throw ErrorCode.INVALID_PARAMETER.problem("'" + PARAMETER + "' may be given once.");
        }
        long minVersion;
        try {
            minVersion = Long.parseLong(values[0]);
        } catch (NumberFormatException e) {
            throw ErrorCode.INVALID_PARAMETER.problem("'" + PARAMETER + "' must be a version number a write answered.");
        }
        if (minVersion < 0) {
            throw ErrorCode.INVALID_PARAMETER.problem("'" + PARAMETER + "' must not be negative.");
        }
        versions.awaitAtLeast(minVersion);
        return true;
    }
}
