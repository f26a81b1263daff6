package dev.roster.connectors;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A user as the upstream describes them. {@code emailVerified}: the upstream vouches for the address (OIDC
 * {@code email_verified}); only a verified address may make anyone an admin. {@code organization} is null when the
 * upstream says nothing about where the user sits (an OIDC token usually does not); {@code active} is null when it
 * says nothing about whether the account is active. {@code roles} is null when the upstream said nothing about roles
 * (no roles claim configured or present), and empty when it said "none".
 */
public record UpstreamUser(
        String externalId,
        String email,
        boolean emailVerified,
        @Nullable String username,
        @Nullable String firstName,
        @Nullable String lastName,
        @Nullable String middleName,
        @Nullable String displayName,
        @Nullable String image,
        @Nullable Organization organization,
        @Nullable Boolean active,
        @Nullable List<RoleAssignment> roles) {

    /** The user's place in the organization, as a directory describes it; any field may be absent. */
    public record Organization(
            @Nullable String positionTitle,
            @Nullable String division,
            @Nullable String department,
            @Nullable String section,
            @Nullable String customTeam,
            @Nullable Integer hierarchyLevel,
            @Nullable String reportsToExternalId,
            @Nullable Boolean leader) {}

    /** The upstream's statement that the user holds {@code role} (a global role slug) in {@code tenant}. */
    public record RoleAssignment(String role, UpstreamTenant tenant) {}

    /** A tenant as the upstream names it: its own id, a display name, and optionally a slug to use locally. */
    public record UpstreamTenant(
            String externalId, String name, @Nullable String slug) {}
}
