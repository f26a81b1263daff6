package dev.roster.scim;

import java.time.Duration;
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
 * @param maxGroupMembers the most group members one answer lists, all its groups together: an answer that would list
 *     more is refused ({@code 400 tooMany}) rather than cut short, since a client may compare the list with its own
 */
@ConfigurationProperties("roster.scim")
public record ScimSettings(
        @DefaultValue("1h") Duration tokenOverlap,
        @DefaultValue("200") int maxResults,
        @DefaultValue("10000") int maxGroupMembers,
        @DefaultValue("5s") Duration statementTimeout) {

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
    }
}
