package dev.roster.sync;

import dev.roster.connectors.UpstreamUser;
import dev.roster.connectors.UpstreamUser.Organization;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The columns of {@code users} the upstream owns (profile, organization, activity, sync state) and the user's
 * upstream memberships. Nothing here decides anything: {@link UserSync} does.
 */
@Repository
class SyncedUsers {

    // The user's own fields, as every upsert from the upstream writes them: name fields the upstream leaves out keep
    // their stored value (an OIDC token often carries only some).
    private static final String NAMES_SET = """
                email = EXCLUDED.email,
                email_verified = EXCLUDED.email_verified,
                username = coalesce(EXCLUDED.username, u.username),
                first_name = coalesce(EXCLUDED.first_name, u.first_name),
                last_name = coalesce(EXCLUDED.last_name, u.last_name),
                middle_name = coalesce(EXCLUDED.middle_name, u.middle_name),
                display_name = coalesce(EXCLUDED.display_name, u.display_name),
                image = coalesce(EXCLUDED.image, u.image),
            """;

    // A provisioner's statement (SCIM) is the whole profile: a name field it leaves out is cleared. It does not vouch
    // for the address, which keeps the verification of the same stored address (a sign-in's word) and loses it with a
    // new one.
    private static final String PROVISIONED_NAMES_SET = """
                email = EXCLUDED.email,
                email_verified = CASE WHEN :provisioned THEN lower(EXCLUDED.email) = lower(u.email) AND u.email_verified
                                      ELSE EXCLUDED.email_verified END,
                username = CASE WHEN :provisioned THEN EXCLUDED.username ELSE coalesce(EXCLUDED.username, u.username) END,
                first_name = CASE WHEN :provisioned THEN EXCLUDED.first_name
                                  ELSE coalesce(EXCLUDED.first_name, u.first_name) END,
                last_name = CASE WHEN :provisioned THEN EXCLUDED.last_name
                                 ELSE coalesce(EXCLUDED.last_name, u.last_name) END,
                middle_name = CASE WHEN :provisioned THEN EXCLUDED.middle_name
                                   ELSE coalesce(EXCLUDED.middle_name, u.middle_name) END,
                display_name = CASE WHEN :provisioned THEN EXCLUDED.display_name
                                    ELSE coalesce(EXCLUDED.display_name, u.display_name) END,
                image = CASE WHEN :provisioned THEN EXCLUDED.image ELSE coalesce(EXCLUDED.image, u.image) END,
            """;

    private static final String PROVISIONED_NAMES_CHANGED = """
            (EXCLUDED.email,
             CASE WHEN :provisioned THEN lower(EXCLUDED.email) = lower(u.email) AND u.email_verified
                  ELSE EXCLUDED.email_verified END,
             CASE WHEN :provisioned THEN EXCLUDED.username ELSE coalesce(EXCLUDED.username, u.username) END,
             CASE WHEN :provisioned THEN EXCLUDED.first_name ELSE coalesce(EXCLUDED.first_name, u.first_name) END,
             CASE WHEN :provisioned THEN EXCLUDED.last_name ELSE coalesce(EXCLUDED.last_name, u.last_name) END,
             CASE WHEN :provisioned THEN EXCLUDED.middle_name ELSE coalesce(EXCLUDED.middle_name, u.middle_name) END,
             CASE WHEN :provisioned THEN EXCLUDED.display_name ELSE coalesce(EXCLUDED.display_name, u.display_name) END,
             CASE WHEN :provisioned THEN EXCLUDED.image ELSE coalesce(EXCLUDED.image, u.image) END)
            IS DISTINCT FROM
            (u.email, u.email_verified, u.username, u.first_name, u.last_name, u.middle_name, u.display_name, u.image)
            """;

    // Whether those fields change: only then does updated_at move.
    private static final String NAMES_CHANGED = """
            (EXCLUDED.email, EXCLUDED.email_verified, coalesce(EXCLUDED.username, u.username),
             coalesce(EXCLUDED.first_name, u.first_name), coalesce(EXCLUDED.last_name, u.last_name),
             coalesce(EXCLUDED.middle_name, u.middle_name), coalesce(EXCLUDED.display_name, u.display_name),
             coalesce(EXCLUDED.image, u.image))
            IS DISTINCT FROM
            (u.email, u.email_verified, u.username, u.first_name, u.last_name, u.middle_name, u.display_name, u.image)
            """;

    // Name fields the upstream leaves out keep their stored value (an OIDC token often carries only some); the
    // organization is the directory's to state, so when it says anything about it, it says everything.
    // (xmax = 0) is true only for a fresh insert; updated_at moves only when something really changed, so
    // "changed" is updated_at = now() (the transaction's start): a sync that changes nothing invalidates no cache.
    private static final String UPSERT_PROFILE = """
            WITH manager AS (
                SELECT id FROM users WHERE provider = :provider AND external_id = :reportsTo
            )
            INSERT INTO users AS u (id, provider, external_id, email, email_verified, username, first_name, last_name,
                               middle_name, display_name, image, position_title, division, department, section,
                               custom_team, hierarchy_level, reports_to_external_id, reports_to_id, is_leader,
                               last_synced_at)
            VALUES (:id, :provider, :externalId, :email, :emailVerified, :username, :firstName, :lastName,
                    :middleName, :displayName, :image, :positionTitle, :division, :department, :section,
                    :customTeam, :hierarchyLevel, :reportsTo, (SELECT id FROM manager), coalesce(:leader, false),
                    now())
            ON CONFLICT (provider, external_id) DO UPDATE SET
            %1$s
                position_title = CASE WHEN :hasOrganization THEN EXCLUDED.position_title ELSE u.position_title END,
                division = CASE WHEN :hasOrganization THEN EXCLUDED.division ELSE u.division END,
                department = CASE WHEN :hasOrganization THEN EXCLUDED.department ELSE u.department END,
                section = CASE WHEN :hasOrganization THEN EXCLUDED.section ELSE u.section END,
                custom_team = CASE WHEN :hasOrganization THEN EXCLUDED.custom_team ELSE u.custom_team END,
                hierarchy_level = CASE WHEN :hasOrganization THEN EXCLUDED.hierarchy_level ELSE u.hierarchy_level END,
                reports_to_external_id = CASE WHEN :hasOrganization THEN EXCLUDED.reports_to_external_id
                                              ELSE u.reports_to_external_id END,
                reports_to_id = CASE WHEN :hasOrganization THEN EXCLUDED.reports_to_id ELSE u.reports_to_id END,
                is_leader = CASE WHEN :hasOrganization THEN EXCLUDED.is_leader ELSE u.is_leader END,
                last_synced_at = now(),
                updated_at = CASE WHEN
                    %2$s
                    OR (:hasOrganization AND
                        (EXCLUDED.position_title, EXCLUDED.division, EXCLUDED.department, EXCLUDED.section,
                         EXCLUDED.custom_team, EXCLUDED.hierarchy_level, EXCLUDED.reports_to_id, EXCLUDED.is_leader)
                        IS DISTINCT FROM
                        (u.position_title, u.division, u.department, u.section, u.custom_team, u.hierarchy_level,
                         u.reports_to_id, u.is_leader))
                    THEN now() ELSE u.updated_at END
            RETURNING id, (xmax = 0) AS created, is_active, deactivated_by, updated_at = now() AS changed
            """.formatted(PROVISIONED_NAMES_SET, PROVISIONED_NAMES_CHANGED);

    // Many profiles at once (the search fallback): one statement, no roles. A user new to Roster comes in as the
    // directory says (an inactive leaver stays inactive, marked as the upstream's doing); a known user's activity
    // is left to the sync, whose guards decide on deactivations.
    private static final String UPSERT_PROFILES = """
            INSERT INTO users AS u (id, provider, external_id, email, email_verified, username, first_name,
                                    last_name, middle_name, display_name, image, is_active, deactivated_by,
                                    last_synced_at)
            SELECT gen_random_uuid(), :provider, x.external_id, x.email, x.email_verified, x.username, x.first_name,
                   x.last_name, x.middle_name, x.display_name, x.image, coalesce(x.active, true),
                   CASE WHEN x.active = false THEN 'upstream' END, now()
            FROM unnest(CAST(:externalIds AS text[]), CAST(:emails AS text[]), CAST(:verified AS boolean[]),
                        CAST(:usernames AS text[]), CAST(:firstNames AS text[]), CAST(:lastNames AS text[]),
                        CAST(:middleNames AS text[]), CAST(:displayNames AS text[]), CAST(:images AS text[]),
                        CAST(:active AS boolean[]))
                 AS x(external_id, email, email_verified, username, first_name, last_name, middle_name,
                      display_name, image, active)
            ORDER BY x.external_id
            ON CONFLICT (provider, external_id) DO UPDATE SET
            %1$s
                last_synced_at = now(),
                updated_at = CASE WHEN
                    %2$s
                    THEN now() ELSE u.updated_at END
            RETURNING id, external_id, (xmax = 0) AS created, updated_at = now() AS changed
            """.formatted(NAMES_SET, NAMES_CHANGED);

    // The sweep's batch: profiles of users Roster has (it claimed them) in one statement, with the single upsert's
    // rules (UPSERT_PROFILE, a pull's answer: names kept when left out, the organization as stated when stated).
    // Their rows exist, so the statement is the upsert's update half; the SET reads the old row, RETURNING the new.
    private static final String UPDATE_PROFILES = """
            UPDATE users AS u SET
                email = x.email,
                email_verified = x.email_verified,
                username = coalesce(x.username, u.username),
                first_name = coalesce(x.first_name, u.first_name),
                last_name = coalesce(x.last_name, u.last_name),
                middle_name = coalesce(x.middle_name, u.middle_name),
                display_name = coalesce(x.display_name, u.display_name),
                image = coalesce(x.image, u.image),
                position_title = CASE WHEN x.has_org THEN x.position_title ELSE u.position_title END,
                division = CASE WHEN x.has_org THEN x.division ELSE u.division END,
                department = CASE WHEN x.has_org THEN x.department ELSE u.department END,
                section = CASE WHEN x.has_org THEN x.section ELSE u.section END,
                custom_team = CASE WHEN x.has_org THEN x.custom_team ELSE u.custom_team END,
                hierarchy_level = CASE WHEN x.has_org THEN x.hierarchy_level ELSE u.hierarchy_level END,
                reports_to_external_id = CASE WHEN x.has_org THEN x.reports_to ELSE u.reports_to_external_id END,
                reports_to_id = CASE WHEN x.has_org THEN x.manager_id ELSE u.reports_to_id END,
                is_leader = CASE WHEN x.has_org THEN x.leader ELSE u.is_leader END,
                last_synced_at = now(),
                updated_at = CASE WHEN
                    (x.email, x.email_verified, coalesce(x.username, u.username),
                     coalesce(x.first_name, u.first_name), coalesce(x.last_name, u.last_name),
                     coalesce(x.middle_name, u.middle_name), coalesce(x.display_name, u.display_name),
                     coalesce(x.image, u.image))
                    IS DISTINCT FROM
                    (u.email, u.email_verified, u.username, u.first_name, u.last_name, u.middle_name,
                     u.display_name, u.image)
                    OR (x.has_org AND
                        (x.position_title, x.division, x.department, x.section, x.custom_team, x.hierarchy_level,
                         x.manager_id, x.leader)
                        IS DISTINCT FROM
                        (u.position_title, u.division, u.department, u.section, u.custom_team, u.hierarchy_level,
                         u.reports_to_id, u.is_leader))
                    THEN now() ELSE u.updated_at END
            FROM (SELECT a.*, coalesce(a.leader_said, false) AS leader,
                         (SELECT m.id FROM users m WHERE m.provider = :provider AND m.external_id = a.reports_to)
                             AS manager_id
                  FROM unnest(CAST(:externalIds AS text[]), CAST(:emails AS text[]), CAST(:verified AS boolean[]),
                              CAST(:usernames AS text[]), CAST(:firstNames AS text[]), CAST(:lastNames AS text[]),
                              CAST(:middleNames AS text[]), CAST(:displayNames AS text[]), CAST(:images AS text[]),
                              CAST(:hasOrg AS boolean[]), CAST(:positionTitles AS text[]), CAST(:divisions AS text[]),
                              CAST(:departments AS text[]), CAST(:sections AS text[]), CAST(:customTeams AS text[]),
                              CAST(:levels AS integer[]), CAST(:reportsTo AS text[]), CAST(:leaders AS boolean[]))
                       AS a(external_id, email, email_verified, username, first_name, last_name, middle_name,
                            display_name, image, has_org, position_title, division, department, section, custom_team,
                            hierarchy_level, reports_to, leader_said)) x
            WHERE u.provider = :provider AND u.external_id = x.external_id
            RETURNING u.id, u.external_id, false AS created, u.is_active, u.deactivated_by,
                      u.updated_at = now() AS changed
            """;

    // The claims a batch still holds, their users' rows locked in one order (so two batches cannot deadlock).
    private static final String LOCK_CLAIMS = """
            SELECT u.id FROM users u
            JOIN unnest(CAST(:ids AS uuid[]), CAST(:untils AS timestamptz[])) AS c(id, until)
              ON u.id = c.id AND u.sync_claimed_until = c.until
            ORDER BY u.id
            FOR NO KEY UPDATE OF u
            """;

    private static final String CURRENT_MEMBERSHIPS = """
            SELECT m.tenant_id, t.external_id, t.name AS tenant_name, r.id AS role_id, r.slug AS role,
                   r.priority, m.source
            FROM memberships m
            JOIN tenants t ON t.id = m.tenant_id
            JOIN roles r ON r.id = m.role_id
            WHERE m.user_id = :userId
            """;

    // An owner writes its own rows and the rows it may take over (Owner#takesOver), never a local one.
    private static final String UPSERT_OWNED_MEMBERSHIP = """
            INSERT INTO memberships (user_id, tenant_id, role_id, source)
            VALUES (:userId, :tenantId, :roleId, :source)
            ON CONFLICT (user_id, tenant_id) DO UPDATE
                SET role_id = EXCLUDED.role_id, source = EXCLUDED.source, updated_at = now()
                WHERE memberships.source = ANY (CAST(:takesOver AS text[]))
            """;

    private static final String DELETE_OWNED_MEMBERSHIP = """
            DELETE FROM memberships
            WHERE user_id = :userId AND tenant_id = :tenantId AND source = ANY (CAST(:takesOver AS text[]))
            """;

    private static final String MARK_ROLES_SYNCED =
            "UPDATE users SET last_roles_sync_at = now(), sync_claimed_until = NULL WHERE id = :id";

    private static final String SET_ACTIVITY = """
            UPDATE users SET is_active = :active, updated_at = now(),
                             deactivated_by = CASE WHEN :active THEN NULL ELSE 'upstream' END,
                             deactivated_at = CASE WHEN :active THEN NULL ELSE now() END
            WHERE id = :id
            """;

    private static final String RECENT_DEPROVISIONS = """
            SELECT (SELECT count(*) FROM users
                    WHERE deactivated_by = 'upstream' AND deactivated_at > now() - CAST(:window AS interval)) AS recent,
                   (SELECT coalesce(tripped_until > now(), false) FROM sync_guards WHERE name = 'deprovision')
                       AS tripped
            """;

    private static final String TRIP_DEPROVISIONS =
            "UPDATE sync_guards SET tripped_until = now() + CAST(:window AS interval) WHERE name = 'deprovision'";

    // Serialises the deprovisioning guard's count-then-deactivate across the cluster (rare: deactivations only).
    private static final String LOCK_DEPROVISIONS = "SELECT pg_advisory_xact_lock(hashtext('roster.sync.deprovision'))";

    private static final String LOCK_ACTIVITY = "SELECT is_active FROM users WHERE id = :id FOR UPDATE";

    // At most one sync per user in flight across the cluster: the claim is taken atomically and expires on its own
    // if the node holding it dies. Without force, only a user whose roles are older than the TTL is claimed. With force
    // (an admin's), a claim in flight or kept for a back-off is taken over: the pull that held it finds it replaced
    // and drops its answer (lockClaims), so an operator never waits out a back-off.
    private static final String CLAIM = """
            UPDATE users SET sync_claimed_until = now() + CAST(:claim AS interval)
            WHERE id = :id AND provider = :provider
              AND (:force OR sync_claimed_until IS NULL OR sync_claimed_until < now())
              AND (:force OR last_roles_sync_at IS NULL OR last_roles_sync_at < now() - CAST(:ttl AS interval))
            RETURNING id, external_id, sync_claimed_until
            """;

    // A claim is known by its expiry (microseconds: a user's next claim cannot share it). Only its holder keeps or
    // releases it, and a pull applies its answer only while it still holds it: a sign-in in between (newer word, which
    // releases the claim) or a claim that lapsed and was taken again means another, newer sync came first.
    private static final String HOLD_CLAIM = """
            UPDATE users SET sync_claimed_until = now() + CAST(:hold AS interval)
            WHERE id = :id AND sync_claimed_until = :claimed
            """;

    private static final String RELEASE_CLAIM =
            "UPDATE users SET sync_claimed_until = NULL WHERE id = :id AND sync_claimed_until = :claimed";

    // The sweep's batch: the stalest users no one is syncing, skipping rows another node is claiming right now.
    private static final String CLAIM_STALE = """
            UPDATE users u SET sync_claimed_until = now() + CAST(:claim AS interval)
            FROM (SELECT id FROM users
                  WHERE provider = :provider
                    AND (last_roles_sync_at IS NULL OR last_roles_sync_at < now() - CAST(:stale AS interval))
                    AND (sync_claimed_until IS NULL OR sync_claimed_until < now())
                  ORDER BY last_roles_sync_at NULLS FIRST
                  LIMIT :batch
                  FOR UPDATE SKIP LOCKED) s
            WHERE u.id = s.id
            RETURNING u.id, u.external_id, u.sync_claimed_until
            """;

    private static final String COUNT_STALE = """
            SELECT count(*) FROM users
            WHERE provider = :provider
              AND (last_roles_sync_at IS NULL OR last_roles_sync_at < now() - CAST(:stale AS interval))
            """;

    private static final String FIND_BY_ID = "SELECT provider, external_id FROM users WHERE id = :id";

    private static final String FIND_BY_EXTERNAL_ID =
            "SELECT id FROM users WHERE provider = :provider AND external_id = :externalId";

    private final JdbcClient jdbc;

    SyncedUsers(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Upserted(
            UUID id,
            boolean created,
            boolean active,
            @Nullable String deactivatedBy,
            boolean changed) {}

    /** {@code provisioned}: a provisioner's whole statement of the profile (see {@code PROVISIONED_NAMES_SET}). */
    Upserted upsertProfile(String provider, UpstreamUser user, boolean provisioned) {
        Organization org = user.organization();
        boolean hasOrganization = org != null;
        return jdbc.sql(UPSERT_PROFILE)
                .param("id", UUID.randomUUID())
                .param("provider", provider)
                .param("externalId", user.externalId())
                .param("email", user.email())
                .param("emailVerified", user.emailVerified())
                .param("username", user.username())
                .param("firstName", user.firstName())
                .param("lastName", user.lastName())
                .param("middleName", user.middleName())
                .param("displayName", user.displayName())
                .param("image", user.image())
                .param("hasOrganization", hasOrganization)
                .param("provisioned", provisioned)
                .param("positionTitle", org == null ? null : org.positionTitle())
                .param("division", org == null ? null : org.division())
                .param("department", org == null ? null : org.department())
                .param("section", org == null ? null : org.section())
                .param("customTeam", org == null ? null : org.customTeam())
                .param("hierarchyLevel", org == null ? null : org.hierarchyLevel(), java.sql.Types.INTEGER)
                .param("reportsTo", org == null ? null : org.reportsToExternalId(), java.sql.Types.VARCHAR)
                .param("leader", org == null ? null : org.leader(), java.sql.Types.BOOLEAN)
                .query((rs, i) -> new Upserted(
                        rs.getObject("id", UUID.class),
                        rs.getBoolean("created"),
                        rs.getBoolean("is_active"),
                        rs.getString("deactivated_by"),
                        rs.getBoolean("changed")))
                .single();
    }

    /**
     * The profiles of users Roster has, as pulls stated them (the sweep's batch): one statement, the rules of {@link
     * #upsertProfile} for a pull. Keyed by external id; a user Roster does not have is missing from the answer.
     */
    java.util.Map<String, Upserted> updateProfiles(String provider, List<UpstreamUser> users) {
        java.util.function.Function<java.util.function.Function<Organization, Object>, Object[]> org =
                field -> users.stream()
                        .map(u -> u.organization() == null ? null : field.apply(u.organization()))
                        .toArray();
        return withNames(jdbc.sql(UPDATE_PROFILES).param("provider", provider), users)
                .param(
                        "hasOrg",
                        users.stream().map(u -> u.organization() != null).toArray(Boolean[]::new))
                .param("positionTitles", strings(org.apply(Organization::positionTitle)))
                .param("divisions", strings(org.apply(Organization::division)))
                .param("departments", strings(org.apply(Organization::department)))
                .param("sections", strings(org.apply(Organization::section)))
                .param("customTeams", strings(org.apply(Organization::customTeam)))
                .param(
                        "levels",
                        java.util.Arrays.stream(org.apply(Organization::hierarchyLevel))
                                .toArray(Integer[]::new))
                .param("reportsTo", strings(org.apply(Organization::reportsToExternalId)))
                .param(
                        "leaders",
                        java.util.Arrays.stream(org.apply(Organization::leader)).toArray(Boolean[]::new))
                .query((rs, i) -> java.util.Map.entry(
                        rs.getString("external_id"),
                        new Upserted(
                                rs.getObject("id", UUID.class),
                                rs.getBoolean("created"),
                                rs.getBoolean("is_active"),
                                rs.getString("deactivated_by"),
                                rs.getBoolean("changed"))))
                .list()
                .stream()
                .collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue));
    }

    /** The columns every batch of profiles binds, one array per column, in the users' order. */
    private static JdbcClient.StatementSpec withNames(JdbcClient.StatementSpec statement, List<UpstreamUser> users) {
        return statement
                .param(
                        "externalIds",
                        users.stream().map(UpstreamUser::externalId).toArray(String[]::new))
                .param("emails", users.stream().map(UpstreamUser::email).toArray(String[]::new))
                .param(
                        "verified",
                        users.stream().map(UpstreamUser::emailVerified).toArray(Boolean[]::new))
                .param("usernames", users.stream().map(UpstreamUser::username).toArray(String[]::new))
                .param("firstNames", users.stream().map(UpstreamUser::firstName).toArray(String[]::new))
                .param("lastNames", users.stream().map(UpstreamUser::lastName).toArray(String[]::new))
                .param(
                        "middleNames",
                        users.stream().map(UpstreamUser::middleName).toArray(String[]::new))
                .param(
                        "displayNames",
                        users.stream().map(UpstreamUser::displayName).toArray(String[]::new))
                .param("images", users.stream().map(UpstreamUser::image).toArray(String[]::new));
    }

    private static String[] strings(Object[] values) {
        return java.util.Arrays.stream(values).toArray(String[]::new);
    }

    /** Of {@code claims}, those still held, their users' rows locked for the rest of the transaction. */
    java.util.Set<UUID> lockClaims(List<Claimed> claims) {
        return new java.util.HashSet<>(jdbc.sql(LOCK_CLAIMS)
                .param("ids", claims.stream().map(Claimed::id).toArray(UUID[]::new))
                .param("untils", claims.stream().map(c -> c.until().toString()).toArray(String[]::new))
                .query(UUID.class)
                .list());
    }

    record Upsert(UUID id, String externalId, boolean created, boolean changed) {}

    /** The users' profiles in one statement (one row per external id). */
    List<Upsert> upsertProfiles(String provider, List<UpstreamUser> users) {
        return withNames(jdbc.sql(UPSERT_PROFILES).param("provider", provider), users)
                .param("active", users.stream().map(UpstreamUser::active).toArray(Boolean[]::new))
                .query((rs, i) -> new Upsert(
                        rs.getObject("id", UUID.class),
                        rs.getString("external_id"),
                        rs.getBoolean("created"),
                        rs.getBoolean("changed")))
                .list();
    }

    /** One of the user's memberships, whoever owns it. {@code tenantExternalId} is null for Roster's own tenants. */
    record Held(
            UUID tenantId,
            @Nullable String tenantExternalId,
            String tenantName,
            UUID roleId,
            String role,
            int priority,
            String source) {

        boolean ownedBy(Owner owner) {
            return owner.mayChange(source);
        }
    }

    List<Held> memberships(UUID userId) {
        return jdbc.sql(CURRENT_MEMBERSHIPS)
                .param("userId", userId)
                .query((rs, i) -> new Held(
                        rs.getObject("tenant_id", UUID.class),
                        rs.getString("external_id"),
                        rs.getString("tenant_name"),
                        rs.getObject("role_id", UUID.class),
                        rs.getString("role"),
                        rs.getInt("priority"),
                        rs.getString("source")))
                .list();
    }

    /**
     * Who owns a membership that came from outside Roster ({@code memberships.source}): the upstream directory (pulls,
     * sign-ins' roles, its webhooks) or a SCIM client (a group's members). Each reconciles only what it may change:
     * the directory its own rows, SCIM its own and the directory's (a group member stated over SCIM is the newer,
     * more explicit word); neither ever changes a local one (assigned through Roster's API).
     */
    enum Owner {
        UPSTREAM("upstream", "upstream"),
        SCIM("scim", "scim", "upstream");

        private final String source;
        private final String[] takesOver;

        Owner(String source, String... takesOver) {
            this.source = source;
            this.takesOver = takesOver;
        }

        String source() {
            return source;
        }

        boolean mayChange(String source) {
            return java.util.Arrays.asList(takesOver).contains(source);
        }
    }

    /** Writes a membership as {@code owner}'s; never overwrites one it may not change. True when a row changed. */
    boolean putOwnedMembership(Owner owner, UUID userId, UUID tenantId, UUID roleId) {
        return jdbc.sql(UPSERT_OWNED_MEMBERSHIP)
                        .param("userId", userId)
                        .param("tenantId", tenantId)
                        .param("roleId", roleId)
                        .param("source", owner.source())
                        .param("takesOver", owner.takesOver)
                        .update()
                > 0;
    }

    boolean removeOwnedMembership(Owner owner, UUID userId, UUID tenantId) {
        return jdbc.sql(DELETE_OWNED_MEMBERSHIP)
                        .param("userId", userId)
                        .param("tenantId", tenantId)
                        .param("takesOver", owner.takesOver)
                        .update()
                > 0;
    }

    /** Roles are in step now; the user's sync claim (if any) is released. */
    void markRolesSynced(UUID userId) {
        jdbc.sql(MARK_ROLES_SYNCED).param("id", userId).update();
    }

    /** Whether the user is active, locking their row for the rest of the transaction. */
    boolean activity(UUID userId) {
        return jdbc.sql(LOCK_ACTIVITY).param("id", userId).query(Boolean.class).single();
    }

    void setActivity(UUID userId, boolean active) {
        jdbc.sql(SET_ACTIVITY).param("id", userId).param("active", active).update();
    }

    /**
     * The deprovisioning guard's state: how many users the upstream deactivated within {@code window}, and whether
     * it refused one within it ({@code tripped}); read after waiting for any other deprovisioning.
     */
    record Deprovisions(long recent, boolean tripped) {}

    Deprovisions lockAndCountRecentDeprovisions(Duration window) {
        jdbc.sql(LOCK_DEPROVISIONS).query().singleRow();
        return jdbc.sql(RECENT_DEPROVISIONS)
                .param("window", window.toSeconds() + " seconds")
                .query((rs, i) -> new Deprovisions(rs.getLong("recent"), rs.getBoolean("tripped")))
                .single();
    }

    /** The guard refused a deprovisioning: it stays shut for {@code window} more. */
    void tripDeprovisionGuard(Duration window) {
        jdbc.sql(TRIP_DEPROVISIONS)
                .param("window", window.toSeconds() + " seconds")
                .update();
    }

    /** A user's sync claimed: who, by the directory's id, and the claim's expiry, which names it. */
    record Claimed(UUID id, String externalId, OffsetDateTime until) {}

    private static final org.springframework.jdbc.core.RowMapper<Claimed> CLAIMED = (rs, i) -> new Claimed(
            rs.getObject("id", UUID.class),
            rs.getString("external_id"),
            rs.getObject("sync_claimed_until", OffsetDateTime.class));

    /** Claims the user's sync; empty when it is fresh (without force) or another sync holds it. */
    Optional<Claimed> claim(String provider, UUID userId, Duration claim, boolean force, Duration ttl) {
        return jdbc.sql(CLAIM)
                .param("id", userId)
                .param("provider", provider)
                .param("claim", interval(claim))
                .param("force", force)
                .param("ttl", interval(ttl))
                .query(CLAIMED)
                .optional();
    }

    /** Keeps the claim for {@code hold} more (after an error: no retry before then); zero releases it. */
    void holdClaim(Claimed claimed, Duration hold) {
        if (hold.isZero()) {
            jdbc.sql(RELEASE_CLAIM)
                    .param("id", claimed.id())
                    .param("claimed", claimed.until())
                    .update();
        } else {
            jdbc.sql(HOLD_CLAIM)
                    .param("id", claimed.id())
                    .param("claimed", claimed.until())
                    .param("hold", interval(hold))
                    .update();
        }
    }

    List<Claimed> claimStale(String provider, Duration staleAfter, int batch, Duration claim) {
        return jdbc.sql(CLAIM_STALE)
                .param("provider", provider)
                .param("stale", interval(staleAfter))
                .param("batch", batch)
                .param("claim", interval(claim))
                .query(CLAIMED)
                .list();
    }

    long countStale(String provider, Duration staleAfter) {
        return jdbc.sql(COUNT_STALE)
                .param("provider", provider)
                .param("stale", interval(staleAfter))
                .query(Long.class)
                .single();
    }

    private static String interval(Duration d) {
        return d.toMillis() + " milliseconds";
    }

    record Identity(String provider, String externalId) {}

    Optional<Identity> identity(UUID userId) {
        return jdbc.sql(FIND_BY_ID)
                .param("id", userId)
                .query((rs, i) -> new Identity(rs.getString("provider"), rs.getString("external_id")))
                .optional();
    }

    Optional<UUID> findByExternalId(String provider, String externalId) {
        return jdbc.sql(FIND_BY_EXTERNAL_ID)
                .param("provider", provider)
                .param("externalId", externalId)
                .query(UUID.class)
                .optional();
    }
}
