package dev.roster.platform;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Query parameters and path variables are read as the client sent them, or refused with {@code 400
 * invalid_parameter} before the handler runs:
 *
 * <ul>
 *   <li>a query parameter given twice, unless the handler declares it multi-valued (a {@code List}, array or
 *       {@code MultiValueMap} parameter): Spring would silently answer for the first value;
 *   <li>control characters (NUL included) and text that is not well-formed UTF-8 once percent-decoded (Tomcat would
 *       put U+FFFD in its place), in names and values;
 *   <li>whitespace in a typed value (an id, a number, a flag): Spring trims text (everything up to U+0020, NUL
 *       included) before converting it, so {@code <uuid>%00} would be read as {@code <uuid>}, and strips it from
 *       numbers anywhere, so {@code 1%202} would be read as 12.
 * </ul>
 *
 * The query string is parsed here from its raw form so that what is checked is exactly what was sent; the form body
 * of the token endpoint is checked by that endpoint (it answers in OAuth's error format).
 */
final class StrictParameters implements HandlerInterceptor {

    private final Map<Method, Declared> declared = new ConcurrentHashMap<>();

    /** What a handler's signature says about its parameters. */
    private record Declared(Set<String> multiValued, boolean anyMultiValued, Set<String> typed) {

        static Declared of(HandlerMethod handler) {
            var multiValued = new HashSet<String>();
            var typed = new HashSet<String>();
            boolean anyMultiValued = false;
            for (MethodParameter parameter : handler.getMethodParameters()) {
                Class<?> type = parameter.getParameterType();
                RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
                PathVariable variable = parameter.getParameterAnnotation(PathVariable.class);
                String name;
                if (param != null) {
                    if (MultiValueMap.class.isAssignableFrom(type)) {
                        anyMultiValued = true;
                        continue;
                    }
                    name = param.name().isEmpty() ? parameter.getParameterName() : param.name();
                    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
                        multiValued.add(name);
                        continue;
                    }
                } else if (variable != null) {
                    name = variable.name().isEmpty() ? parameter.getParameterName() : variable.name();
                } else {
                    continue;
                }
                if (name != null && type != String.class) {
                    typed.add(name);
                }
            }
            return new Declared(Set.copyOf(multiValued), anyMultiValued, Set.copyOf(typed));
        }
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method) || request.getDispatcherType() != DispatcherType.REQUEST) {
            return true;
        }
        String query = request.getQueryString();
        @SuppressWarnings("unchecked")
        var variables = (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        if ((query == null || query.isEmpty()) && (variables == null || variables.isEmpty())) {
            return true; // the common case: nothing to read
        }
        Declared declared = this.declared.computeIfAbsent(method.getMethod(), m -> Declared.of(method));
        if (query != null && !query.isEmpty()) {
            var seen = new HashSet<String>();
            for (String pair : query.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq), null);
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1), name);
                check(name, name, false);
                check(name, value, declared.typed().contains(name));
                if (!seen.add(name)
                        && !declared.anyMultiValued()
                        && !declared.multiValued().contains(name)) {
                    throw ErrorCode.INVALID_PARAMETER.problem("'" + name + "' may be given once.");
                }
            }
        }
        if (variables != null) {
            // Already percent-decoded by Tomcat, which refuses %00 and %2F in paths itself.
            variables.forEach(
                    (name, value) -> check(name, value, declared.typed().contains(name)));
        }
        return true;
    }

    private static void check(String name, String value, boolean typed) {
        String problem = Text.unstorable(value);
        if (problem != null) {
            throw ErrorCode.INVALID_PARAMETER.problem("'" + Text.printable(name) + "' " + problem);
        }
        // Spring's binders trim ids and flags and strip whitespace anywhere from numbers ("1 2" reads as 12).
        if (typed && value.codePoints().anyMatch(Character::isWhitespace)) {
            throw ErrorCode.INVALID_PARAMETER.problem("'" + name + "' may not contain whitespace.");
        }
    }

    /** Percent-decodes {@code raw} ('+' is a space) as strict UTF-8; {@code name} is null for the name itself. */
    private static String decode(String raw, @Nullable String name) {
        if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
            return raw;
        }
        var bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw malformed(name, "is not properly percent-encoded.");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                // Not legal in a URI unencoded; should a client send it anyway, read it as the text it is.
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed(name, "is not valid UTF-8.");
        }
    }

    private static RosterException malformed(@Nullable String name, String problem) {
        return ErrorCode.INVALID_PARAMETER.problem(
                name == null ? "A query parameter name " + problem : "'" + name + "' " + problem);
    }
}
