package dev.roster.scim;

import dev.roster.platform.RequestAttributeArgument;
import java.util.List;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The SCIM edge: its own authentication filter, its own error format, and the {@link ScimCaller} argument. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class ScimWebConfiguration implements WebMvcConfigurer {

    static {
        // Established by the filter, not sent by the client: keep it out of the OpenAPI parameters.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(ScimCaller.class);
    }

    @Bean
    FilterRegistrationBean<ScimAuthentication> scimAuthentication(ScimClients clients) {
        var registration = new FilterRegistrationBean<>(new ScimAuthentication(clients));
        registration.addUrlPatterns("/scim/*");
        // After request ids and the observation filter, as the /v1 bearer filter, so 401s are logged and timed.
        registration.setOrder(Ordered.LOWEST_PRECEDENCE - 10);
        return registration;
    }

    @Override
    public void extendHandlerExceptionResolvers(List<HandlerExceptionResolver> resolvers) {
        resolvers.addFirst(new ScimErrors());
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new RequestAttributeArgument(
                ScimCaller.class,
                ScimCaller.REQUEST_ATTRIBUTE,
                () -> ScimError.unauthorized("SCIM requests need a SCIM client's token (Authorization: Bearer).")));
    }
}
