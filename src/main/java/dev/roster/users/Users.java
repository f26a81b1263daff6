package dev.roster.users;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Repository
public class Users {

    // One indexed query: users PK, then memberships PK prefix (user_id); deleted tenants' memberships do not count.
    static final String FIND_ME = """
            SELECT u.id, u.email, u.email_verified, u.username, u.first_name, u.last_name, u.middle_name, u.display_name, u.image,
                   u.position_title, u.division, u.department, u.section, u.custom_team, u.hierarchy_level,
                   u.reports_to_id, u.is_active, u.is_leader, u.settings::text AS settings, u.last_roles_sync_at,
                   u.created_at, u.updated_at,
                   t.id AS tenant_id, t.slug AS tenant_slug, t.name AS tenant_name,
                   r.slug AS role_slug, r.priority AS role_priority
            FROM users u
            LEFT JOIN (memberships m
                       JOIN tenants t ON t.id = m.tenant_id AND t.deleted_at IS NULL
                       JOIN roles r ON r.id = m.role_id) ON m.user_id = u.id
            WHERE u.id = :id
            ORDER BY r.priority DESC NULLS LAST, t.slug
            """;

    private static final String LOCK_SETTINGS = "SELECT settings::text FROM users WHERE id = :id FOR UPDATE";

    private static final String UPDATE_SETTINGS =
            "UPDATE users SET settings = CAST(:settings AS jsonb), updated_at = now() WHERE id = :id";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    Users(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<Me> findMe(UUID id) {
        return Optional.ofNullable(jdbc.sql(FIND_ME).param("id", id).query(this::toMe));
    }

    Optional<String> lockSettings(UUID id) {
        return jdbc.sql(LOCK_SETTINGS).param("id", id).query(String.class).optional();
    }

    void updateSettings(UUID id, String settings) {
        jdbc.sql(UPDATE_SETTINGS).param("id", id).param("settings", settings).update();
    }

    private @Nullable Me toMe(ResultSet rs) throws SQLException {
        if (!rs.next()) {
            return null;
        }
        var memberships = new ArrayList<Me.Membership>();
        UUID id = rs.getObject("id", UUID.class);
        String email = rs.getString("email");
        boolean emailVerified = rs.getBoolean("email_verified");
        String username = rs.getString("username");
        String firstName = rs.getString("first_name");
        String lastName = rs.getString("last_name");
        String middleName = rs.getString("middle_name");
        String displayName = rs.getString("display_name");
        String image = rs.getString("image");
        String positionTitle = rs.getString("position_title");
        String division = rs.getString("division");
        String department = rs.getString("department");
        String section = rs.getString("section");
        String customTeam = rs.getString("custom_team");
        Integer hierarchyLevel = rs.getObject("hierarchy_level", Integer.class);
        UUID reportsToId = rs.getObject("reports_to_id", UUID.class);
        boolean isActive = rs.getBoolean("is_active");
        boolean isLeader = rs.getBoolean("is_leader");
        JsonNode settings = json.readTree(rs.getString("settings"));
        Instant lastRolesSyncAt = instant(rs, "last_roles_sync_at");
        Instant createdAt = instant(rs, "created_at");
        Instant updatedAt = instant(rs, "updated_at");
        do {
            UUID tenantId = rs.getObject("tenant_id", UUID.class);
            if (tenantId != null) {
                memberships.add(new Me.Membership(
                        tenantId,
                        rs.getString("tenant_slug"),
                        rs.getString("tenant_name"),
                        rs.getString("role_slug"),
                        rs.getInt("role_priority")));
            }
        } while (rs.next());
        return new Me(
                id,
                email,
                emailVerified,
                username,
                firstName,
                lastName,
                middleName,
                displayName,
                image,
                positionTitle,
                division,
                department,
                section,
                customTeam,
                hierarchyLevel,
                reportsToId,
                isActive,
                isLeader,
                settings,
                List.copyOf(memberships),
                lastRolesSyncAt,
                createdAt,
                updatedAt);
    }

    @SuppressWarnings("NullAway")
    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
