package dev.roster.platform;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;

/**
 * Tomcat answers some requests itself, before Roster sees them (a malformed URL, an invalid character in the
 * path). Its default page is HTML; this valve writes the same kind of problem+json as Roster, with no server
 * details. Installed as the host's error report valve by {@link TomcatCustomization}.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorReportValve.class);

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus resolved = HttpStatus.resolve(status);
        String title = resolved == null ? "Error" : resolved.getReasonPhrase();
        String code = ProblemHandler.forStatus(status).code();
        // Refused before the filters ran, the request has no id yet: give it one, as RequestIds would have.
        String requestId = response.getHeader(RequestIds.HEADER);
        if (requestId == null) {
            requestId = RequestIds.idFor(request.getHeader(RequestIds.HEADER));
            response.setHeader(RequestIds.HEADER, requestId);
        }
        log.debug("refused by the server before routing: {} (request_id {})", status, requestId);
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-store");
            Writer writer = response.getReporter();
            if (writer != null) {
                // Only fixed strings and the request id (a sanitised token) go in: nothing here needs escaping.
                writer.write("{\"title\":\"" + title + "\",\"status\":" + status + ",\"code\":\"" + code
                        + "\",\"detail\":\"The server could not process this request.\",\"request_id\":\""
                        + requestId + "\"}");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client went away or the response was committed meanwhile: nothing left to tell it.
        }
    }
}
