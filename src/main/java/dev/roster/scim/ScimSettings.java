package dev.roster.scim;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code roster.scim.*}, i.e. {@code ROSTER_SCIM_*}. docs/configuration.md explains each.
 *
 * @param tokenOverlap how long the token a rotation replaces keeps working beside the new one, so that the IdP's
 *     configuration can be switched without a failed provisioning cycle; {@code 0} ends it at once
 * @param maxResults the most resources one list answer holds ({@code count} above it is lowered to it, as RFC 7644
 *     §3.4.2.4 allows); {@code ServiceProviderConfig} announces it
 * @param statementTimeout the longest a statement of a SCIM list request may run (its filter is the client's to
 *     choose); beyond it the request is answered {@code 400 tooMany}
 * @param groupName a group's {@code displayName} from its tenant's and role's slugs, {@code {tenant}} and
 *     {@code {role}} once each, separated by a character slugs do not have
 * @param groupRoles the roles that are groups, by slug ({@code *}: all, the default); the others are not visible to
 *     SCIM clients as groups, nor changed through them
 * @param maxGroupMembers the most group members one answer lists, all its groups together: an answer that would list
 *     more is refused ({@code 400 tooMany}) rather than cut short, since a client may compare the list with its own
 */
@ConfigurationProperties("roster.scim")
public record ScimSettings(
        @DefaultValue("1h") Duration tokenOverlap,
        @DefaultValue("200") int maxResults,
        @DefaultValue("10000") int maxGroupMembers,
        @DefaultValue("5s") Duration statementTimeout,
        @DefaultValue("{tenant}/{role}") String groupName,
        @DefaultValue(ALL_ROLES) List<String> groupRoles) {

    /** {@code roster.scim.group-roles} meaning every role. */
    public static final String ALL_ROLES = "*";

    private static final java.util.regex.Pattern SLUG = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    public ScimSettings {
        if (tokenOverlap.isNegative()) {
            throw new IllegalArgumentException("roster.scim.token-overlap must not be negative");
        }
        if (maxResults < 1 || maxResults > 1000) {
            throw new IllegalArgumentException("roster.scim.max-results must be between 1 and 1000");
        }
        if (maxGroupMembers < 1 || maxGroupMembers > 1_000_000) {
            throw new IllegalArgumentException("roster.scim.max-group-members must be between 1 and 1000000");
        }
        if (statementTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("roster.scim.statement-timeout must be at least 1ms");
        }
        GroupNameTemplate.parse(groupName); // says what is wrong with it, at start
        groupRoles = List.copyOf(groupRoles);
        if (groupRoles.isEmpty()
                || !groupRoles.equals(List.of(ALL_ROLES))
                        && !groupRoles.stream().allMatch(r -> SLUG.matcher(r).matches())) {
            throw new IllegalArgumentException(
                    "roster.scim.group-roles is * (every role) or role slugs, comma-separated (e.g. developer,viewer)");
        }
    }
}
