package dev.roster.platform;

import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Supplier;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Hands a controller parameter of {@code type} the request attribute a filter or interceptor established before the
 * handler ran (the {@link AuthenticatedUser}, the permission model's caller); {@code missing} says why there is none.
 */
public final class RequestAttributeArgument implements HandlerMethodArgumentResolver {

    private final Class<?> type;
    private final String attribute;
    private final Supplier<RuntimeException> missing;

    public RequestAttributeArgument(Class<?> type, String attribute, Supplier<RuntimeException> missing) {
        this.type = type;
        this.attribute = attribute;
        this.missing = missing;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == type;
    }

    @Override
    public Object resolveArgument(
            MethodParameter parameter,
            ModelAndViewContainer mavContainer,
            NativeWebRequest webRequest,
            WebDataBinderFactory binderFactory) {
        HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
        Object value = request == null ? null : request.getAttribute(attribute);
        if (value == null) {
            throw missing.get();
        }
        return value;
    }
}
