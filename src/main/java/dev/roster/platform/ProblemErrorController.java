package dev.roster.platform;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors that never reach a controller (Tomcat refusing a malformed request line or URL, a filter failing) are
 * forwarded to {@code /error}; they get the same problem+json as everything else, never a stack trace.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer i && HttpStatus.resolve(i) != null
                ? HttpStatus.valueOf(i)
                : HttpStatus.INTERNAL_SERVER_ERROR;
        ErrorCode problemCode = ProblemHandler.forStatus(status.value());
        String detail = status.is5xxServerError()
                ? "Something went wrong on our side; the request id identifies it in our logs."
                : "The request could not be processed: " + status.getReasonPhrase() + ".";
        return ProblemHandler.problem(status, problemCode, detail, new HttpHeaders());
    }
}
