package dev.roster.authz;

/**
 * Who may call a route. Routes with a {@code {tenantId}} path variable first require the tenant to exist (not
 * deleted) and the caller to be a platform admin or a member of it; anyone else gets {@code 404 tenant_not_found},
 * so a tenant's existence is never revealed to outsiders. The rule then decides among those; a member whose role
 * is not enough gets {@code 403 role_required}. The tenant hierarchy ({@code parent_id}) confers nothing.
 */
public enum Rule {
    /** No access token needed (the token endpoints). */
    PUBLIC,
    /** Any signed-in user; what they see is scoped by the route itself. */
    SIGNED_IN,
    /** Any member of the path's tenant, whatever their role (built-in or custom), or a platform admin. */
    TENANT_MEMBER,
    /** {@code tenant_admin} (or {@code super_admin}) of the path's tenant, or a platform admin. */
    TENANT_ADMIN,
    /** A platform admin, or a tenant admin of at least one tenant; the route shows only their tenants' data. */
    ANY_TENANT_ADMIN,
    /** {@code super_admin} in the root tenant. */
    PLATFORM_ADMIN
}
