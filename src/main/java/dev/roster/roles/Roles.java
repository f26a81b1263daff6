package dev.roster.roles;

import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class Roles {

    private static final String FIND_GLOBAL_BY_SLUG = """
            SELECT id, tenant_id, slug, name, priority
            FROM roles
            WHERE tenant_id IS NULL AND slug = :slug
            """;

    private static final RowMapper<Role> ROW = (rs, i) -> new Role(
            rs.getObject("id", UUID.class),
            rs.getObject("tenant_id", UUID.class),
            rs.getString("slug"),
            rs.getString("name"),
            rs.getInt("priority"));

    private final JdbcClient jdbc;

    Roles(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Role> findGlobalBySlug(String slug) {
        return jdbc.sql(FIND_GLOBAL_BY_SLUG).param("slug", slug).query(ROW).optional();
    }
}
