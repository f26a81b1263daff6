/**
 * Grants: who (a user or a role) may do what ({@code resource:action}) to which resources (a selector) in a tenant.
 * Checks read them through {@link dev.roster.authz.AuthorizationCheck}.
 */
@NullMarked
package dev.roster.grants;

import org.jspecify.annotations.NullMarked;
