package dev.roster.platform;

import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A JSON request body read field by field, strictly: a field of the wrong JSON type, text that cannot be stored
 * exactly (control characters, NUL, lone surrogates) or is too long, is a {@code 400 invalid_field} naming the field.
 * Nothing is coerced, trimmed or otherwise altered.
 */
public final class JsonBody {

    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    public static JsonBody of(@Nullable JsonNode body) {
        if (!(body instanceof ObjectNode object)) {
            throw ErrorCode.MALFORMED_BODY.problem("The body must be a JSON object.");
        }
        return new JsonBody(object);
    }

    public boolean has(String field) {
        return node.has(field);
    }

    /** Present and JSON {@code null}: "remove it" in a merge patch. */
    public boolean isNull(String field) {
        return node.has(field) && node.get(field).isNull();
    }

    /** The field's text, or null when absent (or null); {@code required} makes absence a 400. */
    public @Nullable String text(String field, int maxLength, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw invalid(field, "is required.");
            }
            return null;
        }
        if (!value.isString()) {
            throw invalid(field, "must be a string.");
        }
        return Text.check(field, value.asString(), maxLength);
    }

    public @Nullable UUID uuid(String field, boolean required) {
        String text = text(field, 36, required);
        if (text == null) {
            return null;
        }
        try {
            UUID id = UUID.fromString(text);
            if (!id.toString().equals(text.toLowerCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException("not canonical");
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw invalid(field, "must be a UUID.");
        }
    }

    public @Nullable Integer integer(String field, int min, int max, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw invalid(field, "is required.");
            }
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw invalid(field, "must be an integer.");
        }
        int n = value.asInt();
        if (n < min || n > max) {
            throw invalid(field, "must be between " + min + " and " + max + ".");
        }
        return n;
    }

    public static RosterException invalid(String field, String problem) {
        return ErrorCode.INVALID_FIELD.problem("'" + field + "' " + problem);
    }
}
