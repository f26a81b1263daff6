package dev.roster.demo;

import dev.roster.demo.DirectoryUser.Grant;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Conditional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo upstream's directory: table {@code demo_directory_users} (V020). Lookups by id and by email use the
 * primary key and the email's unique index; search uses the trigram index on {@code search_text}.
 */
@Repository
@Conditional(DemoUpstreamCondition.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class DirectoryUsers {

    private static final String COLUMNS = """
            id, email, username, first_name, middle_name, last_name, display_name, image, position_title, division,
            department, section, custom_team, hierarchy_level, reports_to, is_active, is_leader, roles::text AS roles
            """;

    static final String FIND_BY_ID = "SELECT " + COLUMNS + " FROM demo_directory_users WHERE id = :id";

    static final String FIND_BY_EMAIL = "SELECT " + COLUMNS + " FROM demo_directory_users WHERE email = :email";

    // :pattern is '%<lower-cased query, LIKE-escaped>%'.
    static final String SEARCH = "SELECT " + COLUMNS
            + " FROM demo_directory_users WHERE search_text LIKE :pattern ESCAPE '\\' ORDER BY email LIMIT :limit";

    // The whole row as given; a row that is already so is not written (updated_at keeps its value).
    private static final String UPSERT = """
            INSERT INTO demo_directory_users (id, email, username, first_name, middle_name, last_name, display_name,
                                              image, position_title, division, department, section, custom_team,
                                              hierarchy_level, reports_to, is_active, is_leader, roles)
            VALUES (:id, :email, :username, :firstName, :middleName, :lastName, :displayName, :image, :positionTitle,
                    :division, :department, :section, :customTeam, :hierarchyLevel, :reportsTo, :active, :leader,
                    CAST(:roles AS jsonb))
            ON CONFLICT (id) DO UPDATE SET
                email = EXCLUDED.email, username = EXCLUDED.username, first_name = EXCLUDED.first_name,
                middle_name = EXCLUDED.middle_name, last_name = EXCLUDED.last_name,
                display_name = EXCLUDED.display_name, image = EXCLUDED.image,
                position_title = EXCLUDED.position_title, division = EXCLUDED.division,
                department = EXCLUDED.department, section = EXCLUDED.section, custom_team = EXCLUDED.custom_team,
                hierarchy_level = EXCLUDED.hierarchy_level, reports_to = EXCLUDED.reports_to,
                is_active = EXCLUDED.is_active, is_leader = EXCLUDED.is_leader, roles = EXCLUDED.roles,
                updated_at = now()
            WHERE (demo_directory_users.email, demo_directory_users.username, demo_directory_users.first_name,
                   demo_directory_users.middle_name, demo_directory_users.last_name,
                   demo_directory_users.display_name, demo_directory_users.image,
                   demo_directory_users.position_title, demo_directory_users.division,
                   demo_directory_users.department, demo_directory_users.section, demo_directory_users.custom_team,
                   demo_directory_users.hierarchy_level, demo_directory_users.reports_to,
                   demo_directory_users.is_active, demo_directory_users.is_leader, demo_directory_users.roles)
                  IS DISTINCT FROM
                  (EXCLUDED.email, EXCLUDED.username, EXCLUDED.first_name, EXCLUDED.middle_name,
                   EXCLUDED.last_name, EXCLUDED.display_name, EXCLUDED.image, EXCLUDED.position_title,
                   EXCLUDED.division, EXCLUDED.department, EXCLUDED.section, EXCLUDED.custom_team,
                   EXCLUDED.hierarchy_level, EXCLUDED.reports_to, EXCLUDED.is_active, EXCLUDED.is_leader,
                   EXCLUDED.roles)
            """;

    private static final String UPDATE_ROLES = """
            UPDATE demo_directory_users SET roles = CAST(:roles AS jsonb), updated_at = now() WHERE email = :email
            """;

    /**
     * Users {@code from..to} of a generated population, one statement per batch; existing ids are left alone. User i
     * is {@code <prefix><i>@<domain>} (its id too: the subject the demo provider gives an open-directory sign-in),
     * named from fixed lists by i, in department i % 200 of division i % 20, reporting to user i / 10 (a tree ten
     * wide: hierarchy level = number of digits of i), with {@code rolesPerUser} roles in tenants
     * {@code bench-<(i + k) % tenants + 1>}.
     */
    private static final String GENERATE = """
            INSERT INTO demo_directory_users (id, email, username, first_name, last_name, display_name,
                                              position_title, division, department, hierarchy_level, reports_to,
                                              is_leader, roles)
            SELECT u.email, u.email, :prefix || i, n.first_name, n.last_name, n.first_name || ' ' || n.last_name,
                   CASE WHEN i * 10 <= :count THEN 'Team Lead' ELSE 'Engineer' END,
                   'division-' || lpad((i % 200 % 20 + 1)::text, 2, '0'),
                   'department-' || lpad((i % 200 + 1)::text, 3, '0'),
                   length(i::text),
                   CASE WHEN i >= 10 THEN :prefix || (i / 10) || '@' || :domain END,
                   i * 10 <= :count,
                   (SELECT coalesce(jsonb_agg(jsonb_build_object(
                               'role', (ARRAY['developer', 'viewer', 'operator'])[1 + (i + k) % 3],
                               'on', jsonb_build_object('tenant', 'bench-' || ((i + k) % :tenants + 1),
                                                        'name', 'Bench tenant ' || ((i + k) % :tenants + 1)))
                               ORDER BY k), '[]'::jsonb)
                    FROM generate_series(0, :rolesPerUser - 1) k)
            FROM generate_series(:from, :to) i
            CROSS JOIN LATERAL (SELECT :prefix || i || '@' || :domain AS email) u
            CROSS JOIN LATERAL (
                SELECT (ARRAY['Ada', 'Boris', 'Chen', 'Elena', 'Farah', 'Jonas', 'Kofi', 'Mei', 'Priya', 'Tomas',
                              'Uma'])[1 + i % 11] AS first_name,
                       (ARRAY['Costa', 'Dubois', 'Fischer', 'Garcia', 'Haddad', 'Kowalski', 'Nakamura', 'Okafor',
                              'Rossi', 'Silva', 'Tanaka', 'Weber', 'Zhang'])[1 + (i / 11) % 13] AS last_name
            ) n
            ON CONFLICT DO NOTHING
            """;

    // After a bulk insert: moves the new rows' trigrams from the GIN pending list into the index and refreshes the
    // statistics, so that search uses the index at once (with a long pending list the planner prefers a full scan).
    private static final String TIDY = "VACUUM ANALYZE demo_directory_users";

    private static final String COUNT = "SELECT count(*) FROM demo_directory_users";

    private static final TypeReference<List<Grant>> GRANTS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    DirectoryUsers(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<DirectoryUser> find(String id) {
        return jdbc.sql(FIND_BY_ID).param("id", id).query(this::toUser).optional();
    }

    /** By address, which the directory stores lower-cased. */
    Optional<DirectoryUser> findByEmail(String email) {
        return jdbc.sql(FIND_BY_EMAIL).param("email", email).query(this::toUser).optional();
    }

    /** Users whose email, username, first or last name contains {@code query} (any case), by email. */
    List<DirectoryUser> search(String query, int limit) {
        String escaped = query.toLowerCase(Locale.ROOT).replaceAll("([\\\\%_])", "\\\\$1");
        return jdbc.sql(SEARCH)
                .param("pattern", "%" + escaped + "%")
                .param("limit", limit)
                .query(this::toUser)
                .list();
    }

    void upsert(DirectoryUser user) {
        jdbc.sql(UPSERT)
                .param("id", user.id())
                .param("email", user.email())
                .param("username", user.username())
                .param("firstName", user.firstName())
                .param("middleName", user.middleName())
                .param("lastName", user.lastName())
                .param("displayName", user.displayName())
                .param("image", user.image())
                .param("positionTitle", user.positionTitle())
                .param("division", user.division())
                .param("department", user.department())
                .param("section", user.section())
                .param("customTeam", user.customTeam())
                .param("hierarchyLevel", user.hierarchyLevel())
                .param("reportsTo", user.reportsTo())
                .param("active", user.isActive())
                .param("leader", user.isLeader())
                .param("roles", json.writeValueAsString(user.roles()))
                .update();
    }

    // The user's roles but the tenant's, plus the role there (keeping the tenant's name if the directory had one).
    private static final String PUT_ROLE = """
            UPDATE demo_directory_users d
            SET roles = (SELECT coalesce(jsonb_agg(r), '[]'::jsonb) FROM jsonb_array_elements(d.roles) r
                         WHERE r -> 'on' ->> 'tenant' <> :tenant)
                        || jsonb_build_array(jsonb_build_object('role', CAST(:role AS text), 'on', jsonb_build_object(
                               'tenant', CAST(:tenant AS text),
                               'name', coalesce((SELECT r -> 'on' ->> 'name' FROM jsonb_array_elements(d.roles) r
                                                 WHERE r -> 'on' ->> 'tenant' = :tenant LIMIT 1), CAST(:tenant AS text))))),
                updated_at = now()
            WHERE id = :id
            """;

    private static final String REMOVE_ROLE = """
            UPDATE demo_directory_users d
            SET roles = (SELECT coalesce(jsonb_agg(r), '[]'::jsonb) FROM jsonb_array_elements(d.roles) r
                         WHERE r -> 'on' ->> 'tenant' <> :tenant),
                updated_at = now()
            WHERE id = :id AND EXISTS (SELECT 1 FROM jsonb_array_elements(d.roles) r WHERE r -> 'on' ->> 'tenant' = :tenant)
            """;

    /** The user {@code id} holds {@code role} in {@code tenant} (replacing another there); false for no such user. */
    boolean putRole(String id, String tenant, String role) {
        return jdbc.sql(PUT_ROLE)
                        .param("id", id)
                        .param("tenant", tenant)
                        .param("role", role)
                        .update()
                == 1;
    }

    /** The user {@code id} holds no role in {@code tenant}; false when they held none (or are unknown). */
    boolean removeRole(String id, String tenant) {
        return jdbc.sql(REMOVE_ROLE).param("id", id).param("tenant", tenant).update() == 1;
    }

    /** Replaces the roles of the user with this (lower-cased) address; false when there is none. */
    boolean replaceRoles(String email, List<Grant> roles) {
        return jdbc.sql(UPDATE_ROLES)
                        .param("email", email)
                        .param("roles", json.writeValueAsString(roles))
                        .update()
                > 0;
    }

    /** Inserts users {@code from..to} (1-based) of a generated population of {@code count}; answers how many were new. */
    int generate(Generation generation, int from, int to) {
        return jdbc.sql(GENERATE)
                .param("prefix", generation.prefix())
                .param("domain", generation.domain())
                .param("count", generation.count())
                .param("tenants", generation.tenants())
                .param("rolesPerUser", generation.rolesPerUser())
                .param("from", from)
                .param("to", to)
                .update();
    }

    /** Not inside a transaction (VACUUM cannot run in one). */
    void tidyAfterBulkInsert() {
        jdbc.sql(TIDY).update();
    }

    /** A population of generated users: {@code <prefix><i>@<domain>} for i in 1..count. */
    record Generation(int count, String prefix, String domain, int rolesPerUser, int tenants) {}

    long count() {
        return jdbc.sql(COUNT).query(Long.class).single();
    }

    private DirectoryUser toUser(ResultSet rs, int row) throws SQLException {
        return new DirectoryUser(
                rs.getString("id"),
                rs.getString("email"),
                true,
                rs.getString("username"),
                rs.getString("first_name"),
                rs.getString("middle_name"),
                rs.getString("last_name"),
                rs.getString("display_name"),
                rs.getString("image"),
                rs.getString("position_title"),
                rs.getString("division"),
                rs.getString("department"),
                rs.getString("section"),
                rs.getString("custom_team"),
                rs.getObject("hierarchy_level", Integer.class),
                rs.getString("reports_to"),
                rs.getBoolean("is_active"),
                rs.getBoolean("is_leader"),
                json.readValue(rs.getString("roles"), GRANTS));
    }
}
