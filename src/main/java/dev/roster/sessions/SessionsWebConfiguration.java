package dev.roster.sessions;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;

@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SessionsWebConfiguration {

    @Bean
    FilterRegistrationBean<BearerAuthentication> bearerAuthentication(
            AccessTokens accessTokens,
            Sessions sessions,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors) {
        var registration = new FilterRegistrationBean<>(new BearerAuthentication(accessTokens, sessions, errors));
        registration.addUrlPatterns("/v1/*");
        // After request ids and the observation filter, so 401s are logged with an id and timed.
        registration.setOrder(Ordered.LOWEST_PRECEDENCE - 10);
        return registration;
    }
}
