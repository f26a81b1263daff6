package dev.roster.scim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One attribute of a SCIM schema as Roster serves it (RFC 7643 §7): what {@code /Schemas} says of it and, for the
 * attributes Roster stores, the SQL expression over {@code users u} (or the resource's own alias) that holds it.
 * Filters and {@code sortBy} can name exactly the attributes that have one; nothing else.
 *
 * @param type RFC 7643's type; {@link Type#ID} is a {@code string} to clients, a {@code uuid} column to SQL
 * @param sql the expression, a fixed text of Roster's own (never client input); null for complex attributes
 */
public record ScimAttribute(
        String name,
        Type type,
        boolean multiValued,
        boolean required,
        boolean caseExact,
        String mutability,
        String returned,
        String uniqueness,
        String description,
        @Nullable String sql,
        List<ScimAttribute> subAttributes,
        List<String> referenceTypes) {

    public enum Type {
        STRING("string"),
        BOOLEAN("boolean"),
        INTEGER("integer"),
        DATETIME("dateTime"),
        REFERENCE("reference"),
        COMPLEX("complex"),
        /** A Roster id: a {@code string} to clients, compared as a {@code uuid} column. */
        ID("string");

        final String scim;

        Type(String scim) {
            this.scim = scim;
        }
    }

    /** A case-insensitive, read-write, single-valued attribute held by {@code sql}. */
    static ScimAttribute of(String name, Type type, @Nullable String sql, String description) {
        return new ScimAttribute(
                name,
                type,
                false,
                false,
                false,
                "readWrite",
                "default",
                "none",
                description,
                sql,
                List.of(),
                List.of());
    }

    static ScimAttribute complex(String name, boolean multiValued, String description, ScimAttribute... subs) {
        return new ScimAttribute(
                name,
                Type.COMPLEX,
                multiValued,
                false,
                false,
                "readWrite",
                "default",
                "none",
                description,
                null,
                List.of(subs),
                List.of());
    }

    ScimAttribute caseExactly() {
        return new ScimAttribute(
                name,
                type,
                multiValued,
                required,
                true,
                mutability,
                returned,
                uniqueness,
                description,
                sql,
                subAttributes,
                referenceTypes);
    }

    ScimAttribute requiredAndUnique(String uniqueness) {
        return new ScimAttribute(
                name,
                type,
                multiValued,
                true,
                caseExact,
                mutability,
                returned,
                uniqueness,
                description,
                sql,
                subAttributes,
                referenceTypes);
    }

    ScimAttribute readOnly(String returned) {
        return new ScimAttribute(
                name,
                type,
                multiValued,
                required,
                caseExact,
                "readOnly",
                returned,
                uniqueness,
                description,
                sql,
                subAttributes,
                referenceTypes);
    }

    ScimAttribute references(String... types) {
        return new ScimAttribute(
                name,
                type,
                multiValued,
                required,
                caseExact,
                mutability,
                returned,
                uniqueness,
                description,
                sql,
                subAttributes,
                List.of(types));
    }

    /** The sub-attribute named {@code name} (case-insensitively, as all SCIM names), or null. */
    @Nullable
    ScimAttribute sub(String name) {
        for (ScimAttribute sub : subAttributes) {
            if (sub.name.equalsIgnoreCase(name)) {
                return sub;
            }
        }
        return null;
    }

    /** The expression to compare and sort by: lower-cased unless the attribute is case-exact. */
    String comparable() {
        String expression = java.util.Objects.requireNonNull(sql, name);
        if (type == Type.ID) {
            return "CAST(" + expression + " AS text)";
        }
        return ((type == Type.STRING || type == Type.REFERENCE) && !caseExact)
                ? "lower(" + expression + ")"
                : expression;
    }

    /** The attribute's definition for {@code /Schemas}. */
    ObjectNode definition() {
        ObjectNode node = ScimJson.object();
        node.put("name", name);
        node.put("type", type.scim);
        node.put("multiValued", multiValued);
        node.put("description", description);
        node.put("required", required);
        if (type != Type.COMPLEX && type != Type.BOOLEAN) {
            node.put("caseExact", caseExact);
        }
        node.put("mutability", mutability);
        node.put("returned", returned);
        if (type != Type.COMPLEX && type != Type.BOOLEAN) {
            node.put("uniqueness", uniqueness);
        }
        if (!referenceTypes.isEmpty()) {
            ArrayNode types = node.putArray("referenceTypes");
            referenceTypes.forEach(types::add);
        }
        if (!subAttributes.isEmpty()) {
            ArrayNode subs = node.putArray("subAttributes");
            subAttributes.forEach(s -> subs.add(s.definition()));
        }
        return node;
    }

    String lowerName() {
        return name.toLowerCase(Locale.ROOT);
    }
}
