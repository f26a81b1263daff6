/**
 * Who may do what: the permission model of the admin API ({@link dev.roster.authz.Allow} on every {@code /v1} route,
 * enforced by one interceptor) over Roster's own memberships. Low in the dependency order (platform only), so every
 * feature's web layer can use it.
 */
@NullMarked
package dev.roster.authz;

import org.jspecify.annotations.NullMarked;
