package dev.roster.platform;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The problem codes a route can answer beyond those its access rule and the request's shape already imply; the
 * OpenAPI document lists them per route, grouped by status.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Problems {
    ErrorCode[] value();
}
