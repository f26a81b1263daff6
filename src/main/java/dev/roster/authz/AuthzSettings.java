package dev.roster.authz;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Authorization checks: {@code roster.authz.*}, i.e. {@code ROSTER_AUTHZ_*}. docs/authorization.md explains each.
 *
 * @param legacySlugPrincipals what becomes of grants to {@code role:<slug>} (the principal form of older systems)
 * @param cache the sizes of this node's two check caches
 */
@ConfigurationProperties("roster.authz")
public record AuthzSettings(
        @DefaultValue("read") LegacySlugPrincipals legacySlugPrincipals,
        @DefaultValue Cache cache) {

    /** Grants to {@code role:<slug>}: until {@code ./roster backfill-role-urns} has rewritten them all. */
    public enum LegacySlugPrincipals {
        /** Honoured by checks (the slug resolved to the tenant's role of that slug, else the global one). */
        READ,
        /** As {@link #READ}, and {@code POST …/grants} accepts them too: for importing from an older system. */
        WRITE,
        /** Ignored by checks and refused on write: after the cut-over. */
        OFF;

        public boolean honoured() {
            return this != OFF;
        }
    }

    /**
     * @param maxUsers users whose standing (activity and every membership) this node keeps at most
     * @param maxGrants grants (plus one per tenant) this node's tenant grant indexes hold at most; a grant costs a
     *     few hundred bytes of heap. {@code 0} for both turns the caches off: every check reads the database.
     */
    public record Cache(
            @DefaultValue("200000") long maxUsers,
            @DefaultValue("1000000") long maxGrants) {

        public Cache {
            if (maxUsers < 0 || maxGrants < 0) {
                throw new IllegalArgumentException("roster.authz.cache sizes cannot be negative");
            }
        }
    }
}
