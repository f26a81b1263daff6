package dev.roster.tenants;

import dev.roster.platform.AuditLog;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

@Repository
public class Tenants {

    private static final String COLUMNS = "id, slug, name, external_id, parent_id";

    private static final String FIND_BY_EXTERNAL_ID =
            "SELECT " + COLUMNS + " FROM tenants WHERE external_id = :externalId";

    // ON CONFLICT without a target: a clash on external_id (someone created it first) or on slug (name taken)
    // inserts nothing; the caller tells the two apart.
    private static final String INSERT_IF_ABSENT = """
            INSERT INTO tenants (id, slug, name, external_id)
            VALUES (:id, :slug, :name, :externalId)
            ON CONFLICT DO NOTHING
            RETURNING id, slug, name, external_id, parent_id
            """;

    private static final RowMapper<Tenant> ROW = (rs, i) -> new Tenant(
            rs.getObject("id", UUID.class),
            rs.getString("slug"),
            rs.getString("name"),
            rs.getString("external_id"),
            rs.getObject("parent_id", UUID.class));

    private final JdbcClient jdbc;
    private final AuditLog audit;

    Tenants(JdbcClient jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    /**
     * The tenant the upstream calls {@code externalId}, created from the upstream's data if Roster does not know it
     * yet. Safe against concurrent sign-ins creating the same tenant.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Tenant findOrCreateFromUpstream(String externalId, String name, @Nullable String slugHint, String actor) {
        Optional<Tenant> existing = jdbc.sql(FIND_BY_EXTERNAL_ID)
                .param("externalId", externalId)
                .query(ROW)
                .optional();
        if (existing.isPresent()) {
            return existing.get();
        }
        String slug = slugify(slugHint != null ? slugHint : name);
        for (int attempt = 0; attempt < 5; attempt++) {
            String candidate = attempt == 0 ? slug : truncate(slug, 56) + "-" + randomSuffix();
            Optional<Tenant> created = jdbc.sql(INSERT_IF_ABSENT)
                    .param("id", UUID.randomUUID())
                    .param("slug", candidate)
                    .param("name", name)
                    .param("externalId", externalId)
                    .query(ROW)
                    .optional();
            if (created.isPresent()) {
                audit.record(actor, "tenant.created", "tenant:" + created.get().id(), null, created.get());
                return created.get();
            }
            existing = jdbc.sql(FIND_BY_EXTERNAL_ID)
                    .param("externalId", externalId)
                    .query(ROW)
                    .optional();
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        throw new IllegalStateException("no free slug for upstream tenant " + externalId);
    }

    static String slugify(String text) {
        String ascii = Normalizer.normalize(text, Normalizer.Form.NFKD)
                .replaceAll("\\p{M}", "")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        ascii = truncate(ascii, 63).replaceAll("-+$", "");
        return ascii.isEmpty() ? "tenant-" + randomSuffix() : ascii;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static String randomSuffix() {
        return Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }
}
