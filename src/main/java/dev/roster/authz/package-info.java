/**
 * Who may do what: the permission model of the admin API ({@link dev.roster.authz.Allow} on every {@code /v1} route,
 * enforced by one interceptor) over Roster's own memberships, and the authorization check applications ask
 * ({@link dev.roster.authz.AuthorizationCheck}, {@code /v1/authz}) over grants. Low in the dependency order (platform
 * only, its own SQL over the tables it reads), so every feature can use it.
 */
@NullMarked
package dev.roster.authz;

import org.jspecify.annotations.NullMarked;
