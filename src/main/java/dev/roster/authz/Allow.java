package dev.roster.authz;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Who may call this {@code /v1} route; enforced by {@link AccessInterceptor} before the handler runs. Every
 * {@code /v1} handler method carries one (a test checks it); a handler without one is refused (fail closed).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Allow {
    Rule value();
}
