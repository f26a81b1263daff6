/** {@code /v1/authz}: authorization checks for applications, and what a user may do in a tenant. */
@NullMarked
package dev.roster.authz.web;

import org.jspecify.annotations.NullMarked;
