package dev.roster.platform;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    private final Versions versions;

    WebConfiguration(Versions versions) {
        this.versions = versions;
    }

    static {
        // Supplied by the bearer filter, not by the client: keep it out of the OpenAPI parameters.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(AuthenticatedUser.class);
    }

    /**
     * Spring's own servlet, except that TRACE is routed like every other method and never echoed: Spring would fall
     * back to the servlet API's echo of the request after routing it. No route takes TRACE, so it answers
     * {@code 405 method_not_allowed} with the path's true {@code Allow}, or 404 for a path that does not exist.
     */
    @Bean(name = DispatcherServletAutoConfiguration.DEFAULT_DISPATCHER_SERVLET_BEAN_NAME)
    DispatcherServlet dispatcherServlet() {
        var servlet = new DispatcherServlet() {
            @Override
            protected void doTrace(HttpServletRequest request, HttpServletResponse response)
                    throws ServletException, IOException {
                processRequest(request, response);
            }
        };
        servlet.setDispatchTraceRequest(true);
        return servlet;
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // Before anything reads a parameter: what is read is what was sent, once.
        registry.addInterceptor(new StrictParameters()).order(Ordered.HIGHEST_PRECEDENCE);
        // Next: the answer's freshness must not depend on which interceptor read what before it.
        registry.addInterceptor(new FreshReads(versions))
                .addPathPatterns("/v1/**")
                .order(Ordered.HIGHEST_PRECEDENCE + 1);
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new RequestAttributeArgument(
                AuthenticatedUser.class, AuthenticatedUser.REQUEST_ATTRIBUTE, InvalidBearerToken::missing));
    }
}
