package dev.roster.scim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A group's {@code displayName} made from its tenant's and role's slugs ({@code roster.scim.group-name}, default
 * {@code {tenant}/{role}}): as text for an answer, and as the SQL expression filters, sorting and the lookup of
 * {@code POST /Groups} compare against. Names must tell groups apart, so each placeholder appears once and the text
 * between them holds a character no slug has ({@code acme-ops/dev} and {@code acme/ops-dev} differ; with {@code -} as
 * the separator they would not). Literal text is restricted to a few printable characters, as it becomes SQL text.
 */
record GroupNameTemplate(String template, List<String> parts) {

    private static final String TENANT = "{tenant}";
    private static final String ROLE = "{role}";
    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9 ._:/@#|+=-]*");
    private static final Pattern SLUG_CHARACTERS = Pattern.compile("[a-z0-9_-]*");

    /** Parses {@code template}; {@link IllegalArgumentException} saying what is wrong with it. */
    static GroupNameTemplate parse(String template) {
        int tenant = template.indexOf(TENANT);
        int role = template.indexOf(ROLE);
        if (tenant < 0
                || role < 0
                || template.indexOf(TENANT, tenant + 1) >= 0
                || template.indexOf(ROLE, role + 1) >= 0) {
            throw new IllegalArgumentException(
                    "roster.scim.group-name must hold {tenant} and {role} once each, e.g. {tenant}/{role}");
        }
        var parts = new ArrayList<String>();
        int first = Math.min(tenant, role);
        int second = Math.max(tenant, role);
        String firstPlaceholder = first == tenant ? TENANT : ROLE;
        String secondPlaceholder = first == tenant ? ROLE : TENANT;
        String between = template.substring(first + firstPlaceholder.length(), second);
        for (String literal : List.of(
                template.substring(0, first), between, template.substring(second + secondPlaceholder.length()))) {
            if (!LITERAL.matcher(literal).matches()) {
                throw new IllegalArgumentException("roster.scim.group-name may hold, besides {tenant} and {role}, only"
                        + " letters, digits, spaces and . _ : / @ # | + = -");
            }
        }
        if (SLUG_CHARACTERS.matcher(between.toLowerCase(Locale.ROOT)).matches()) {
            throw new IllegalArgumentException("roster.scim.group-name must separate {tenant} and {role} by a"
                    + " character slugs do not have (such as / : @ . or a space), so that no two groups share a name");
        }
        parts.add(template.substring(0, first));
        parts.add(firstPlaceholder);
        parts.add(between);
        parts.add(secondPlaceholder);
        parts.add(template.substring(second + secondPlaceholder.length()));
        return new GroupNameTemplate(template, List.copyOf(parts));
    }

    /** The name of the group of {@code tenantSlug} and {@code roleSlug}. */
    String format(String tenantSlug, String roleSlug) {
        var name = new StringBuilder();
        for (String part : parts) {
            name.append(
                    switch (part) {
                        case TENANT -> tenantSlug;
                        case ROLE -> roleSlug;
                        default -> part;
                    });
        }
        return name.toString();
    }

    /** The same, as an SQL expression over {@code tenants t} and {@code roles r}. */
    String sql() {
        var terms = new ArrayList<String>();
        for (String part : parts) {
            switch (part) {
                case TENANT -> terms.add("t.slug");
                case ROLE -> terms.add("r.slug");
                default -> {
                    if (!part.isEmpty()) {
                        terms.add("'" + part.replace("'", "''") + "'");
                    }
                }
            }
        }
        return "(" + String.join(" || ", terms) + ")";
    }
}
