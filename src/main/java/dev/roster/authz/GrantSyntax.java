package dev.roster.authz;

import dev.roster.platform.JsonBody;
import dev.roster.platform.Text;
import dev.roster.platform.Uuids;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The shapes of what a grant is made of: principal URNs, permissions and selectors (docs/authorization.md). Read as
 * sent or refused ({@code 400 invalid_field} naming the field), never normalised.
 */
public final class GrantSyntax {

    public static final int MAX_PERMISSION = 200;
    public static final int MAX_SELECTOR = 255;
    public static final int MAX_RESOURCE = 255;

    /** {@code resource:action}, lowercase; {@code *} only as the whole action ({@code docs:*}). */
    private static final Pattern PERMISSION = Pattern.compile("[a-z0-9_-]+:(?:[a-z0-9_-]+|\\*)");

    /** What a check asks about: one action of one kind of resource, no wildcard. */
    private static final Pattern CONCRETE_PERMISSION = Pattern.compile("[a-z0-9_-]+:[a-z0-9_-]+");

    public static final String USER = "user:";
    public static final String GLOBAL_ROLE = "role:global:";
    public static final String TENANT_ROLE = "role:tenant:";

    private GrantSyntax() {}

    /** A principal: a user, a global role or a tenant role, by id. */
    public record Principal(Kind kind, UUID id) {
        public String urn() {
            return kind.prefix + id;
        }
    }

    public enum Kind {
        USER(GrantSyntax.USER),
        GLOBAL_ROLE(GrantSyntax.GLOBAL_ROLE),
        TENANT_ROLE(GrantSyntax.TENANT_ROLE);

        final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }
    }

    /**
     * The legacy principal form of older systems, {@code role:<slug>} (a role's slug, no kind, no id): honoured while
     * {@code ROSTER_AUTHZ_LEGACY_SLUG_PRINCIPALS} says so, until {@code ./roster backfill-role-urns} rewrites it.
     */
    private static final Pattern LEGACY_ROLE = Pattern.compile("role:([a-z0-9][a-z0-9_-]{0,62})");

    /**
     * The role a legacy {@code role:<slug>} grant of a tenant stands for, as SQL: the tenant's own role of that slug,
     * else the global one, as its canonical URN (column {@code urn}); no row for a slug that names no role.
     * {@code slug} and {@code tenant} are SQL expressions. Checks (CheckSources) and the backfill (RoleUrnBackfill)
     * both resolve with this text, so a grant means the same before and after it is rewritten.
     */
    public static String resolveLegacyRole(String slug, String tenant) {
        return """
                SELECT CASE WHEN r.tenant_id IS NULL THEN 'role:global:' ELSE 'role:tenant:' END || r.id AS urn
                FROM roles r
                WHERE r.slug = %s AND (r.tenant_id = %s OR r.tenant_id IS NULL)
                ORDER BY r.tenant_id NULLS LAST
                LIMIT 1
                """.formatted(slug, tenant);
    }

    /** SQL condition: the grant {@code g} names a legacy {@code role:<slug>} principal. */
    public static final String IS_LEGACY_ROLE = "g.principal_urn ~ '^role:[a-z0-9][a-z0-9_-]{0,62}$'";

    /** The slug of a legacy {@code role:<slug>} principal, else null. */
    public static @Nullable String legacyRoleSlug(String urn) {
        // Cheap refusals first: checks load every grant of a tenant through here.
        if (!urn.startsWith("role:") || urn.startsWith(GLOBAL_ROLE) || urn.startsWith(TENANT_ROLE)) {
            return null;
        }
        var m = LEGACY_ROLE.matcher(urn);
        return m.matches() ? m.group(1) : null;
    }

    /** The principal {@code urn} names, or null when it is not a canonical (lowercase) URN of one of the kinds. */
    public static @Nullable Principal principal(String urn) {
        for (Kind kind : Kind.values()) {
            if (urn.startsWith(kind.prefix)) {
                String id = urn.substring(kind.prefix.length());
                UUID parsed = Uuids.parse(id);
                if (parsed == null || !parsed.toString().equals(id)) {
                    return null;
                }
                return new Principal(kind, parsed);
            }
        }
        return null;
    }

    /** {@code urn} as a principal, else {@code 400 invalid_field} naming {@code field}. */
    public static Principal requirePrincipal(String field, String urn) {
        Principal principal = principal(urn);
        if (principal == null) {
            throw JsonBody.invalid(
                    field, "must be user:<uuid>, role:global:<uuid> or role:tenant:<uuid> (lowercase, canonical).");
        }
        return principal;
    }

    public static boolean isPermission(String permission) {
        return permission.length() <= MAX_PERMISSION
                && PERMISSION.matcher(permission).matches();
    }

    /** A grant's permission ({@code docs:read} or {@code docs:*}), else {@code 400 invalid_field}. */
    public static String requirePermission(String field, String permission) {
        if (!isPermission(permission)) {
            throw JsonBody.invalid(
                    field,
                    "must be resource:action in a-z, 0-9, '_' and '-' (the action may be '*'), at most "
                            + MAX_PERMISSION + " characters.");
        }
        return permission;
    }

    /** A check's permission: one concrete action ({@code docs:read}), else {@code 400 invalid_field}. */
    public static String requireConcretePermission(String field, String permission) {
        if (permission.length() > MAX_PERMISSION
                || !CONCRETE_PERMISSION.matcher(permission).matches()) {
            throw JsonBody.invalid(
                    field,
                    "must be resource:action in a-z, 0-9, '_' and '-' (a check asks about one action, no '*'), at"
                            + " most " + MAX_PERMISSION + " characters.");
        }
        return permission;
    }

    /** {@code *}, an exact name (no {@code *}), or {@code prefix*}; printable, at most 255 characters. */
    public static String requireSelector(String field, String selector) {
        Text.check(field, selector, MAX_SELECTOR);
        int star = selector.indexOf('*');
        if (star >= 0 && star != selector.length() - 1) {
            throw JsonBody.invalid(field, "may contain '*' only once, as its last character ('*' or 'prefix*').");
        }
        return selector;
    }
}
