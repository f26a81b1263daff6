package dev.roster.demo;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A user as the demo upstream's directory knows them, and as its REST directory API serves them (JSON in snake case,
 * in this order). {@code id} is the upstream's id for them: the {@code sub} of the ID tokens the demo provider issues
 * them. Addresses are always verified: the demo directory is the authority on its own addresses.
 */
record DirectoryUser(
        String id,
        String email,
        boolean emailVerified,
        @Nullable String username,
        @Nullable String firstName,
        @Nullable String middleName,
        @Nullable String lastName,
        @Nullable String displayName,
        @Nullable String image,
        @Nullable String positionTitle,
        @Nullable String division,
        @Nullable String department,
        @Nullable String section,
        @Nullable String customTeam,
        @Nullable Integer hierarchyLevel,
        @Nullable String reportsTo,
        boolean isActive,
        boolean isLeader,
        List<Grant> roles) {

    /** The user holds {@code role} (a global role slug) in the tenant {@code on}. */
    record Grant(String role, On on) {}

    /** A tenant as the upstream names it: its own key and a display name. */
    record On(String tenant, String name) {}
}
