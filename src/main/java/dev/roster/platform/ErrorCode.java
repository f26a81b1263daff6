package dev.roster.platform;

import java.util.Locale;
import org.springframework.http.HttpStatus;

/**
 * Every {@code code} a problem answer can carry, with its HTTP status: the one list clients can rely on (and the one
 * docs/api.md lists; a test keeps the two in step). A code never changes meaning once released.
 */
public enum ErrorCode {
    // Requests the server cannot read.
    BAD_REQUEST(HttpStatus.BAD_REQUEST),
    MALFORMED_BODY(HttpStatus.BAD_REQUEST),
    INVALID_PARAMETER(HttpStatus.BAD_REQUEST),
    MISSING_PARAMETER(HttpStatus.BAD_REQUEST),
    MISSING_HEADER(HttpStatus.BAD_REQUEST),
    MISSING_COOKIE(HttpStatus.BAD_REQUEST),
    INVALID_FIELD(HttpStatus.BAD_REQUEST),
    NOT_FOUND(HttpStatus.NOT_FOUND),
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED),
    NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE),
    PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE),
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE),
    CLIENT_ERROR(HttpStatus.BAD_REQUEST),
    INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR),

    // Who is asking.
    TOKEN_MISSING(HttpStatus.UNAUTHORIZED),
    INVALID_TOKEN(HttpStatus.UNAUTHORIZED),
    INVALID_SIGNATURE(HttpStatus.UNAUTHORIZED),
    TOKEN_EXPIRED(HttpStatus.UNAUTHORIZED),
    SESSION_ENDED(HttpStatus.UNAUTHORIZED),
    INVALID_REFRESH_TOKEN(HttpStatus.UNAUTHORIZED),
    REFRESH_TOKEN_REUSED(HttpStatus.UNAUTHORIZED),
    REFRESH_TOKEN_MISSING(HttpStatus.BAD_REQUEST),
    INVALID_SUBJECT_TOKEN(HttpStatus.UNAUTHORIZED),
    USER_DEACTIVATED(HttpStatus.FORBIDDEN),
    UPSTREAM_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE),
    BUSY(HttpStatus.SERVICE_UNAVAILABLE),
    UPSTREAM_MISCONFIGURED(HttpStatus.INTERNAL_SERVER_ERROR),
    DEMO_USER_NOT_FOUND(HttpStatus.NOT_FOUND),

    // What they may do, and to what.
    ROLE_REQUIRED(HttpStatus.FORBIDDEN),
    TENANT_NOT_FOUND(HttpStatus.NOT_FOUND),
    USER_NOT_FOUND(HttpStatus.NOT_FOUND),
    ROLE_NOT_FOUND(HttpStatus.NOT_FOUND),
    MEMBERSHIP_NOT_FOUND(HttpStatus.NOT_FOUND),
    GRANT_NOT_FOUND(HttpStatus.NOT_FOUND),
    SERVICE_ACCOUNT_NOT_FOUND(HttpStatus.NOT_FOUND),
    WEBHOOK_SUBSCRIPTION_NOT_FOUND(HttpStatus.NOT_FOUND),
    OUTBOX_EVENT_NOT_FOUND(HttpStatus.NOT_FOUND),
    WEBHOOK_SOURCE_NOT_FOUND(HttpStatus.NOT_FOUND),
    INBOUND_EVENT_NOT_FOUND(HttpStatus.NOT_FOUND),
    SCIM_CLIENT_NOT_FOUND(HttpStatus.NOT_FOUND),

    // The state of things forbids it.
    SLUG_TAKEN(HttpStatus.CONFLICT),
    OUTBOX_EVENT_PENDING(HttpStatus.CONFLICT),
    EXTERNAL_ID_TAKEN(HttpStatus.CONFLICT),
    WEBHOOK_SOURCE_EXISTS(HttpStatus.CONFLICT),
    INBOUND_EVENT_NOT_REFUSED(HttpStatus.CONFLICT),
    ROLE_IN_USE(HttpStatus.CONFLICT),
    GRANT_EXISTS(HttpStatus.CONFLICT),
    ROOT_TENANT(HttpStatus.CONFLICT),
    LAST_PLATFORM_ADMIN(HttpStatus.CONFLICT),
    VERSION_CONFLICT(HttpStatus.PRECONDITION_FAILED),
    STALE_READ(HttpStatus.CONFLICT),
    DIRECTORY_NOT_CONFIGURED(HttpStatus.CONFLICT),
    RBAC_PREFLIGHT_FAILED(HttpStatus.CONFLICT),

    // The signed-in user's own data.
    INVALID_SETTINGS(HttpStatus.BAD_REQUEST),
    SETTINGS_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE);

    private final HttpStatus status;
    private final String code;

    ErrorCode(HttpStatus status) {
        this.status = status;
        this.code = name().toLowerCase(Locale.ROOT);
    }

    public HttpStatus status() {
        return status;
    }

    /** The stable string clients see in the problem's {@code code} member. */
    public String code() {
        return code;
    }

    /** A problem with this code and {@code detail}, which is shown to the client. */
    public RosterException problem(String detail) {
        return new RosterException(this, detail);
    }
}
