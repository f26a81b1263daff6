package dev.roster.platform;

import java.util.Map;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestCookieException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * The one place that turns exceptions into RFC 9457 problems, each with a stable {@code code} and the request id.
 * What it does not recognise becomes a bare 500 {@code internal_error}: the cause is logged with the request id, never
 * sent (no stack trace, class name or SQL leaves the server).
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    private static final Map<Class<? extends Exception>, ErrorCode> CODES = Map.ofEntries(
            Map.entry(HttpMessageNotReadableException.class, ErrorCode.MALFORMED_BODY),
            Map.entry(HttpMediaTypeNotSupportedException.class, ErrorCode.UNSUPPORTED_MEDIA_TYPE),
            Map.entry(HttpMediaTypeNotAcceptableException.class, ErrorCode.NOT_ACCEPTABLE),
            Map.entry(HttpRequestMethodNotSupportedException.class, ErrorCode.METHOD_NOT_ALLOWED),
            Map.entry(MissingServletRequestParameterException.class, ErrorCode.MISSING_PARAMETER),
            Map.entry(MissingRequestHeaderException.class, ErrorCode.MISSING_HEADER),
            Map.entry(MissingRequestCookieException.class, ErrorCode.MISSING_COOKIE),
            Map.entry(NoResourceFoundException.class, ErrorCode.NOT_FOUND),
            Map.entry(MaxUploadSizeExceededException.class, ErrorCode.PAYLOAD_TOO_LARGE));

    @ExceptionHandler(RosterException.class)
    ResponseEntity<ProblemDetail> roster(RosterException e) {
        var headers = new HttpHeaders();
        String challenge = e.wwwAuthenticate();
        if (challenge != null) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, challenge);
        }
        return problem(e.errorCode(), e.getMessage(), headers);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        return problem(
                ErrorCode.INVALID_PARAMETER,
                "Parameter '" + e.getName() + "' is not a valid " + describe(e.getRequiredType()) + ".",
                new HttpHeaders());
    }

    /** Tomcat refused to parse the parameters: an oversized form (413) or a malformed one (400). */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> invalidParameters(InvalidParameterException e) {
        if (e.getErrorCode() == HttpStatus.CONTENT_TOO_LARGE.value()) {
            return problem(ErrorCode.PAYLOAD_TOO_LARGE, "The form body is too large.", new HttpHeaders());
        }
        return problem(ErrorCode.MALFORMED_BODY, "The form body could not be parsed.", new HttpHeaders());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("unhandled error", e);
        return problem(
                ErrorCode.INTERNAL_ERROR,
                "Something went wrong on our side; the request id identifies it in our logs.",
                new HttpHeaders());
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(
            TypeMismatchException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String name = e.getPropertyName() == null ? "value" : e.getPropertyName();
        return cast(problem(
                ErrorCode.INVALID_PARAMETER,
                "'" + name + "' is not a valid " + describe(e.getRequiredType()) + ".",
                headers));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyLimit.BodyTooLarge) {
                return cast(problem(ErrorCode.PAYLOAD_TOO_LARGE, "Request bodies may be at most 1 MiB.", headers));
            }
        }
        // Jackson's message names classes and positions inside them; the client gets a plain sentence.
        return cast(problem(
                ErrorCode.MALFORMED_BODY, "The request body is not valid JSON of the expected shape.", headers));
    }

    /** Spring MVC's own exceptions: keep its status and detail, add our code and request id. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(
            @Nullable Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        var writable = new HttpHeaders();
        writable.putAll(headers); // the headers handed in may be read-only
        if (body instanceof ProblemDetail detail) {
            decorate(detail, codeFor(detail, statusCode));
            writable.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
            writable.setCacheControl(CacheControl.noStore());
        }
        return new ResponseEntity<>(body, writable, statusCode);
    }

    private static String codeFor(ProblemDetail detail, HttpStatusCode status) {
        if (detail.getProperties() != null && detail.getProperties().get("code") instanceof String code) {
            return code;
        }
        return forStatus(status.value()).code();
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleExceptionInternal(
            Exception e, @Nullable Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (body == null) {
            ProblemDetail detail = ProblemDetail.forStatus(status);
            ErrorCode code = CODES.get(e.getClass());
            if (code != null) {
                detail.setProperty("code", code.code());
            }
            body = detail;
        } else if (body instanceof ProblemDetail detail && CODES.containsKey(e.getClass())) {
            detail.setProperty("code", CODES.get(e.getClass()).code());
        }
        return super.handleExceptionInternal(e, body, headers, status, request);
    }

    public static ResponseEntity<ProblemDetail> problem(ErrorCode code, String detail, HttpHeaders headers) {
        return problem(code.status(), code, detail, headers);
    }

    /** For refusals whose status is not the code's own (a generic code under a status Tomcat chose). */
    static ResponseEntity<ProblemDetail> problem(
            HttpStatus status, ErrorCode code, String detail, HttpHeaders headers) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        decorate(body, code.code());
        var writable = new HttpHeaders();
        writable.putAll(headers); // those Spring hands to handlers may be read-only
        writable.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        // An error answers this request only: no cache, shared or private, may serve it again.
        writable.setCacheControl(CacheControl.noStore());
        if (status == HttpStatus.UNAUTHORIZED && !writable.containsHeader(HttpHeaders.WWW_AUTHENTICATE)) {
            writable.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer"); // RFC 9110 §15.5.2: every 401 has a challenge
        }
        return new ResponseEntity<>(body, writable, status);
    }

    /** The generic code of a status whose cause is not known more precisely (Spring's or Tomcat's own refusals). */
    public static ErrorCode forStatus(int status) {
        return switch (status) {
            case 400 -> ErrorCode.BAD_REQUEST;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 406 -> ErrorCode.NOT_ACCEPTABLE;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            default -> status < 500 ? ErrorCode.CLIENT_ERROR : ErrorCode.INTERNAL_ERROR;
        };
    }

    private static void decorate(ProblemDetail body, String code) {
        body.setProperty("code", code);
        String requestId = RequestIds.current();
        if (requestId != null) {
            body.setProperty("request_id", requestId);
        }
    }

    private static String describe(@Nullable Class<?> type) {
        if (type == null) {
            return "value";
        }
        return switch (type.getSimpleName()) {
            case "UUID" -> "UUID";
            case "Integer", "int", "Long", "long" -> "integer";
            case "Boolean", "boolean" -> "boolean";
            default -> "value";
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ResponseEntity<Object> cast(ResponseEntity<ProblemDetail> e) {
        return (ResponseEntity) e;
    }
}
