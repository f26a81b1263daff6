package dev.roster.authz;

import dev.roster.platform.AuthenticatedUser;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.RosterException;
import dev.roster.platform.Uuids;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Enforces {@link Allow} on every {@code /v1} handler before it runs. The tenant of a route is its {@code tenantId}
 * path variable. Failing closed: a {@code /v1} handler without {@link Allow} is refused.
 */
class AccessInterceptor implements HandlerInterceptor {

    static final String CALLER_ATTRIBUTE = Caller.class.getName();
    static final String TENANT_VARIABLE = "tenantId";

    private final Access access;

    AccessInterceptor(Access access) {
        this.access = access;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        Allow allow = method.getMethodAnnotation(Allow.class);
        if (allow == null) {
            throw ErrorCode.ROLE_REQUIRED.problem("This route has no access rule; nobody may call it.");
        }
        if (allow.value() == Rule.PUBLIC) {
            return true;
        }
        if (!(request.getAttribute(AuthenticatedUser.REQUEST_ATTRIBUTE) instanceof AuthenticatedUser user)) {
            throw dev.roster.platform.InvalidBearerToken.missing();
        }
        UUID tenantId = tenantOf(request);
        if (allow.value() == Rule.SIGNED_IN && !wantsCaller(method)) {
            // /v1/me and the like: the valid session is all it takes, and no query is spent on the hot path.
            return true;
        }
        Caller caller = access.caller(user.userId(), tenantId);
        if (allow.value() == Rule.ANY_TENANT_ADMIN && !caller.platformAdmin()) {
            caller = caller.administering(access.tenantsAdministeredBy(user.userId()));
        }
        if (tenantId != null && caller.tenantId() == null) {
            throw tenantNotFound(tenantId);
        }
        if (tenantId != null && !caller.platformAdmin() && !caller.tenantMember()) {
            throw tenantNotFound(tenantId);
        }
        boolean allowed = switch (allow.value()) {
            case PUBLIC, SIGNED_IN -> true;
            case TENANT_MEMBER -> caller.platformAdmin() || caller.tenantMember();
            case TENANT_ADMIN -> caller.administersTenant();
            case ANY_TENANT_ADMIN -> caller.platformAdmin() || !caller.scope().isEmpty();
            case PLATFORM_ADMIN -> caller.platformAdmin();
        };
        if (!allowed) {
            throw ErrorCode.ROLE_REQUIRED.problem(describe(allow.value()));
        }
        request.setAttribute(CALLER_ATTRIBUTE, caller);
        return true;
    }

    private static boolean wantsCaller(HandlerMethod method) {
        for (var parameter : method.getMethodParameters()) {
            if (parameter.getParameterType() == Caller.class) {
                return true;
            }
        }
        return false;
    }

    private static @Nullable UUID tenantOf(HttpServletRequest request) {
        @SuppressWarnings("unchecked")
        var variables = (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String raw = variables == null ? null : variables.get(TENANT_VARIABLE);
        if (raw == null) {
            return null;
        }
        UUID id = Uuids.parse(raw);
        if (id == null) {
            throw ErrorCode.INVALID_PARAMETER.problem("Parameter '" + TENANT_VARIABLE + "' is not a valid UUID.");
        }
        return id;
    }

    static RosterException tenantNotFound(UUID tenantId) {
        return ErrorCode.TENANT_NOT_FOUND.problem("There is no tenant " + tenantId + ".");
    }

    private static String describe(Rule rule) {
        return switch (rule) {
            case TENANT_ADMIN -> "This needs the tenant_admin role in this tenant, or a platform admin.";
            case ANY_TENANT_ADMIN -> "This needs the tenant_admin role in some tenant, or a platform admin.";
            case PLATFORM_ADMIN -> "This needs a platform admin (super_admin in the root tenant).";
            default -> "Your role does not allow this.";
        };
    }
}
