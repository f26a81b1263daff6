package dev.roster.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Refuses request bodies over 1 MiB by their declared length (413) before anything reads them. Endpoints with
 * tighter limits enforce their own (settings: 16 KiB; forms: Tomcat's 64 KB).
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class BodyLimit extends OncePerRequestFilter {

    static final long MAX_BYTES = 1024 * 1024;

    private final HandlerExceptionResolver errors;

    BodyLimit(@Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors) {
        this.errors = errors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > MAX_BYTES) {
            errors.resolveException(
                    request,
                    response,
                    null,
                    new RosterException(
                            HttpStatus.CONTENT_TOO_LARGE, "payload_too_large", "Request bodies may be at most 1 MiB."));
            return;
        }
        chain.doFilter(request, response);
    }
}
