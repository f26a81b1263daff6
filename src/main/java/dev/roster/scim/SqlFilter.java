package dev.roster.scim;

import com.fasterxml.jackson.databind.node.ValueNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.filters.FilterType;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A SCIM filter (RFC 7644 §3.4.2.2), parsed by the SCIM library, as a SQL condition over a resource's columns. The
 * SQL is assembled only from Roster's own fixed expressions ({@link ScimAttribute#sql()}) and operators; every value
 * the client sent is a bind parameter. An attribute Roster does not have, or a comparison its type does not allow
 * ({@code active gt true}, {@code userName gt 5}), is {@code 400 invalidFilter}, as is a filter with more than
 * {@value #MAX_COMPARISONS} comparisons or longer than {@value #MAX_LENGTH} characters.
 *
 * <p>Comparisons stay bare, so that {@code userName eq "…"} reaches its expression index; on an absent attribute they
 * are NULL, which a WHERE clause, {@code and} and {@code or} treat as no match, and {@code not} becomes {@code IS NOT
 * TRUE}, the exact complement.
 *
 * <p>String attributes that are not case-exact compare lower-cased on both sides ({@code lower()} of PostgreSQL); the
 * ordering comparisons ({@code gt}, {@code ge}, {@code lt}, {@code le}) of strings are by code point ({@code COLLATE
 * "C"}), the same on every database.
 */
final class SqlFilter {

    static final int MAX_COMPARISONS = 50;
    static final int MAX_LENGTH = 4096;

    /** A translated filter: its condition and the parameters it names. */
    record Condition(String sql, Map<String, Object> params) {

        static final Condition ALL = new Condition("true", Map.of());
    }

    private final ResourceSchema schema;
    private final Map<String, Object> params = new LinkedHashMap<>();
    private int comparisons;

    private SqlFilter(ResourceSchema schema) {
        this.schema = schema;
    }

    /** {@code filter} as a condition; null or empty: every resource. */
    static Condition of(ResourceSchema schema, @Nullable String filter) {
        if (filter == null || filter.isBlank()) {
            return Condition.ALL;
        }
        if (filter.length() > MAX_LENGTH) {
            throw ScimError.invalidFilter("A filter may be at most " + MAX_LENGTH + " characters long.");
        }
        Filter parsed;
        try {
            parsed = Filter.fromString(valuePathsAsValueFilters(filter));
        } catch (BadRequestException | RuntimeException e) {
            // The parser throws more than its BadRequestException: a value that is JSON but not a scalar ({}, [1])
            // fails its cast.
            throw ScimError.invalidFilter("The filter cannot be parsed: " + e.getMessage());
        }
        var translation = new SqlFilter(schema);
        String sql = translation.translate(parsed, null);
        return new Condition(sql, Map.copyOf(translation.params));
    }

    /**
     * {@code emails[type eq "work"].value eq "x"} as {@code emails[(type eq "work") and value eq "x"]}, which means
     * the same (the comparison holds for a value the value filter selects). RFC 7644's filter grammar has no
     * sub-attribute after {@code ]}, and the SCIM library's parser refuses it, but provisioners write it: the PATCH
     * path syntax carried over into filters. Text inside quoted values is never touched.
     */
    static String valuePathsAsValueFilters(String filter) {
        String current = filter;
        for (int round = 0; round < MAX_COMPARISONS; round++) {
            String rewritten = rewriteFirstValuePath(current);
            if (rewritten == null) {
                return current;
            }
            current = rewritten;
        }
        return current;
    }

    private static @Nullable String rewriteFirstValuePath(String filter) {
        var opens = new java.util.ArrayDeque<Integer>();
        boolean inString = false;
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '[') {
                opens.push(i);
            } else if (c == ']' && !opens.isEmpty()) {
                int open = opens.pop();
                if (i + 1 < filter.length() && filter.charAt(i + 1) == '.') {
                    String rewritten = rewriteAt(filter, open, i);
                    if (rewritten != null) {
                        return rewritten;
                    }
                }
            }
        }
        return null;
    }

    /** {@code filter} with the value path whose brackets are at {@code open} and {@code close} rewritten, or null. */
    private static @Nullable String rewriteAt(String filter, int open, int close) {
        int i = close + 2;
        int subStart = i;
        while (i < filter.length()
                && (Character.isLetterOrDigit(filter.charAt(i)) || "_-$".indexOf(filter.charAt(i)) >= 0)) {
            i++;
        }
        String sub = filter.substring(subStart, i);
        int opStart = skipSpaces(filter, i);
        i = opStart;
        while (i < filter.length() && Character.isLetter(filter.charAt(i))) {
            i++;
        }
        String op = filter.substring(opStart, i).toLowerCase(java.util.Locale.ROOT);
        if (sub.isEmpty()
                || !List.of("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr")
                        .contains(op)) {
            return null;
        }
        int end = i;
        String value = "";
        if (!op.equals("pr")) {
            int valueStart = skipSpaces(filter, i);
            i = valueStart;
            if (i < filter.length() && filter.charAt(i) == '"') {
                i++;
                while (i < filter.length() && filter.charAt(i) != '"') {
                    i += filter.charAt(i) == '\\' ? 2 : 1;
                }
                i = Math.min(i + 1, filter.length());
            } else {
                while (i < filter.length() && !Character.isWhitespace(filter.charAt(i)) && filter.charAt(i) != ')') {
                    i++;
                }
            }
            value = " " + filter.substring(valueStart, i);
            end = i;
        }
        return filter.substring(0, open + 1) + "(" + filter.substring(open + 1, close) + ") and " + sub + " " + op
                + value + "]" + filter.substring(end);
    }

    private static int skipSpaces(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private String translate(Filter filter, @Nullable ScimAttribute within) {
        FilterType type = filter.getFilterType();
        return switch (type) {
            case AND, OR -> {
                List<String> parts = new ArrayList<>();
                for (Filter part : filter.getCombinedFilters()) {
                    parts.add(translate(part, within));
                }
                yield "(" + String.join(type == FilterType.AND ? " AND " : " OR ", parts) + ")";
            }
            // IS NOT TRUE, not NOT: a comparison on an absent attribute is NULL, which NOT would keep NULL (no match
            // either way); IS NOT TRUE makes "not" the exact complement of what it negates.
            case NOT -> "((" + translate(filter.getInvertedFilter(), within) + ") IS NOT TRUE)";
            case COMPLEX_VALUE -> complexValue(filter, within);
            default -> leaf(filter, within);
        };
    }

    /**
     * {@code emails[type eq "work" and value co "@example.com"]}: the inner filter on the same value. For values in
     * rows of their own (a group's members), one value must satisfy the whole inner filter: {@code members[value eq
     * "a" and display eq "b"]} is one member who is both, {@code members[not (value eq "a")]} some member who is not
     * a — so the join wraps the inner filter once, never each comparison in it.
     */
    private String complexValue(Filter filter, @Nullable ScimAttribute within) {
        if (within != null) {
            throw ScimError.invalidFilter("Value filters ([...]) do not nest.");
        }
        ResourceSchema.Resolved resolved = schema.resolve(filter.getAttributePath());
        ScimAttribute parent = resolved.parent();
        if (parent == null || !parent.multiValued() || filter.getAttributePath().size() != 1) {
            throw ScimError.invalidFilter(
                    "'" + filter.getAttributePath() + "' is not a multi-valued attribute: it takes no [...].");
        }
        String inner = translate(filter.getValueFilter(), parent);
        String join = schema.joinOf(parent);
        return join == null ? inner : join.replace("{}", inner);
    }

    private String leaf(Filter filter, @Nullable ScimAttribute within) {
        if (++comparisons > MAX_COMPARISONS) {
            throw ScimError.invalidFilter("A filter may hold at most " + MAX_COMPARISONS + " comparisons.");
        }
        Path path = filter.getAttributePath();
        ScimAttribute attribute;
        ScimAttribute parent = within;
        String valueFilter = null;
        if (within != null) {
            attribute = schema.resolveWithin(within, path);
        } else {
            ResourceSchema.Resolved resolved = schema.resolve(path);
            attribute = resolved.attribute();
            parent = resolved.parent();
            if (resolved.valueFilter() != null) {
                // emails[type eq "work"].value eq "…": the value filter and the comparison hold for the same value.
                valueFilter = translate(resolved.valueFilter(), resolved.parent());
            }
        }
        String comparison = filter.getFilterType() == FilterType.PRESENT
                ? present(attribute)
                : compare(attribute, filter.getFilterType(), filter.getComparisonValue());
        if (valueFilter != null) {
            comparison = "(" + valueFilter + " AND " + comparison + ")";
        }
        // Some value of the joined rows matches: the value filter and the comparison, on the same value. Inside a
        // value filter ([...]) the join is the enclosing one's (complexValue).
        String join = within == null ? schema.joinOf(parent) : null;
        return join == null ? comparison : join.replace("{}", comparison);
    }

    private static String present(ScimAttribute attribute) {
        String sql = attribute.sql();
        return switch (attribute.type()) {
            case STRING, REFERENCE -> "(" + sql + " IS NOT NULL AND " + sql + " <> '')";
            default -> "(" + sql + " IS NOT NULL)";
        };
    }

    private String compare(ScimAttribute attribute, FilterType op, @Nullable ValueNode value) {
        String sql = attribute.sql();
        if (value == null || value.isNull()) {
            return switch (op) {
                case EQUAL -> "(" + sql + " IS NULL)";
                case NOT_EQUAL -> "(" + sql + " IS NOT NULL)";
                default -> throw refuse(attribute, op, "null");
            };
        }
        return switch (attribute.type()) {
            case STRING, REFERENCE -> {
                if (!value.isTextual()) {
                    throw refuse(attribute, op, value.toString());
                }
                if (value.textValue().indexOf('\u0000') >= 0) {
                    throw ScimError.invalidFilter("A filter's value may not hold a NUL character.");
                }
                yield text(attribute.comparable(), op, attribute.caseExact(), bind(value.textValue()));
            }
            case ID -> id(attribute, op, value);
            case BOOLEAN -> {
                if (!value.isBoolean() || (op != FilterType.EQUAL && op != FilterType.NOT_EQUAL)) {
                    throw refuse(attribute, op, value.toString());
                }
                yield ordered(sql, op, bind(value.booleanValue()));
            }
            case INTEGER -> {
                if (!value.isIntegralNumber() || !value.canConvertToLong() || isSubstring(op)) {
                    throw refuse(attribute, op, value.toString());
                }
                yield ordered(sql, op, bind(value.longValue()));
            }
            case DATETIME -> {
                if (!value.isTextual() || isSubstring(op)) {
                    throw refuse(attribute, op, value.toString());
                }
                OffsetDateTime at;
                try {
                    at = OffsetDateTime.parse(value.textValue());
                } catch (DateTimeParseException e) {
                    throw ScimError.invalidFilter(
                            "'" + attribute.name() + "' is a dateTime: compare it with an xsd:dateTime such as"
                                    + " \"2026-01-31T12:00:00Z\".");
                }
                if (at.getYear() < 1 || at.getYear() > 9999) {
                    throw ScimError.invalidFilter(
                            "'" + attribute.name() + "' is compared with a dateTime of year 1" + " to 9999.");
                }
                yield ordered(sql, op, bind(at));
            }
            case COMPLEX -> throw ScimError.invalidFilter("'" + attribute.name() + "' is complex.");
        };
    }

    /** Roster ids: {@code eq}/{@code ne} on the uuid column itself (its index); anything else on their text. */
    private String id(ScimAttribute attribute, FilterType op, ValueNode value) {
        if (!value.isTextual()) {
            throw refuse(attribute, op, value.toString());
        }
        if (op == FilterType.EQUAL || op == FilterType.NOT_EQUAL) {
            UUID id = uuid(value.textValue());
            if (id == null) {
                return op == FilterType.EQUAL ? "false" : "true"; // no Roster id is this
            }
            return ordered(attribute.sql(), op, bind(id));
        }
        return text(attribute.comparable(), op, false, bind(value.textValue()));
    }

    private static String text(String column, FilterType op, boolean caseExact, String param) {
        String p = caseExact ? param : "lower(" + param + ")";
        return switch (op) {
            case EQUAL -> "(" + column + " = " + p + ")";
            case NOT_EQUAL -> "(" + column + " IS NULL OR " + column + " <> " + p + ")";
            case CONTAINS -> "(strpos(" + column + ", " + p + ") > 0)";
            case STARTS_WITH -> "starts_with(" + column + ", " + p + ")";
            case ENDS_WITH -> "(right(" + column + ", length(" + p + ")) = " + p + ")";
            case GREATER_THAN -> "(" + column + " COLLATE \"C\" > " + p + ")";
            case GREATER_OR_EQUAL -> "(" + column + " COLLATE \"C\" >= " + p + ")";
            case LESS_THAN -> "(" + column + " COLLATE \"C\" < " + p + ")";
            case LESS_OR_EQUAL -> "(" + column + " COLLATE \"C\" <= " + p + ")";
            default -> throw new IllegalArgumentException(op.toString());
        };
    }

    private static String ordered(String column, FilterType op, String param) {
        return switch (op) {
            case EQUAL -> "(" + column + " = " + param + ")";
            case NOT_EQUAL -> "(" + column + " IS NULL OR " + column + " <> " + param + ")";
            case GREATER_THAN -> "(" + column + " > " + param + ")";
            case GREATER_OR_EQUAL -> "(" + column + " >= " + param + ")";
            case LESS_THAN -> "(" + column + " < " + param + ")";
            case LESS_OR_EQUAL -> "(" + column + " <= " + param + ")";
            default -> throw new IllegalArgumentException(op.toString());
        };
    }

    private static boolean isSubstring(FilterType op) {
        return op == FilterType.CONTAINS || op == FilterType.STARTS_WITH || op == FilterType.ENDS_WITH;
    }

    private String bind(Object value) {
        String name = "f" + params.size();
        params.put(name, value);
        return ":" + name;
    }

    private static ScimError refuse(ScimAttribute attribute, FilterType op, String value) {
        return ScimError.invalidFilter("'" + attribute.name() + "' is of type " + attribute.type().scim + ": it cannot"
                + " be compared with " + operator(op) + " " + value + ".");
    }

    private static String operator(FilterType op) {
        return switch (op) {
            case EQUAL -> "eq";
            case NOT_EQUAL -> "ne";
            case CONTAINS -> "co";
            case STARTS_WITH -> "sw";
            case ENDS_WITH -> "ew";
            case GREATER_THAN -> "gt";
            case GREATER_OR_EQUAL -> "ge";
            case LESS_THAN -> "lt";
            case LESS_OR_EQUAL -> "le";
            default -> op.toString();
        };
    }

    /** A canonical UUID (any case), or null. */
    static @Nullable UUID uuid(String text) {
        if (text.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
