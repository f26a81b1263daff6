package dev.roster.platform;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
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

    /**
     * Reads {@code body} as a JSON object whose fields are all among {@code fields}: bytes that are not well-formed
     * UTF-8 (overlong forms included, which a lenient decoder reads as other characters) or JSON are a
     * {@code 400 malformed_body}, an unknown field a {@code 400 invalid_field} (a misspelt field is never ignored).
     */
    public static JsonBody parse(byte[] body, String... fields) {
        if (!(tree(body) instanceof ObjectNode object)) {
            throw ErrorCode.MALFORMED_BODY.problem("The body must be a JSON object.");
        }
        var known = Set.of(fields);
        for (String name : object.propertyNames()) {
            if (!known.contains(name)) {
                throw ErrorCode.INVALID_FIELD.problem("Unknown field '" + Text.printable(name)
                        + "'; this request takes " + String.join(", ", fields) + ".");
            }
        }
        return new JsonBody(object);
    }

    /**
     * An optional body {@code {"<field>": true|false}} of an action (e.g. {@code secret:rotate}): no body, an empty one,
     * or {@code false} is false; anything but that one boolean field is a {@code 400}.
     */
    public static boolean optionalFlag(byte @Nullable [] body, String field) {
        if (body == null || body.length == 0) {
            return false;
        }
        return Boolean.TRUE.equals(parse(body, field).bool(field, false));
    }

    /**
     * Reads {@code body} as any JSON value, strictly: bytes that are not well-formed UTF-8 (overlong forms and encoded
     * surrogates included, which a lenient decoder reads as other characters) or JSON, or an object with a duplicate
     * member (which a lenient reader resolves silently), are a {@code 400 malformed_body}.
     */
    public static JsonNode tree(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ErrorCode.MALFORMED_BODY.problem("The body is not valid UTF-8.");
        }
        try {
            return JSON.readTree(text);
        } catch (JacksonException e) {
            throw ErrorCode.MALFORMED_BODY.problem("The body is not valid JSON.");
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Refuses JSON {@code null} for fields a merge patch cannot remove (they are required). */
    public JsonBody notRemovable(String... fields) {
        for (String field : fields) {
            if (isNull(field)) {
                throw invalid(field, "cannot be removed; give it a value.");
            }
        }
        return this;
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
        UUID id = Uuids.parse(text);
        if (id == null) {
            throw invalid(field, "must be a UUID.");
        }
        return id;
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

    public @Nullable Double number(String field, double min, double max, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw invalid(field, "is required.");
            }
            return null;
        }
        if (!value.isNumber()) {
            throw invalid(field, "must be a number.");
        }
        double n = value.asDouble();
        if (!(n >= min && n <= max)) {
            throw invalid(field, "must be between " + min + " and " + max + ".");
        }
        return n;
    }

    public @Nullable Boolean bool(String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw invalid(field, "is required.");
            }
            return null;
        }
        if (!value.isBoolean()) {
            throw invalid(field, "must be true or false.");
        }
        return value.asBoolean();
    }

    /** The field's array of strings (empty when absent), each checked like {@link #text}; at most {@code maxItems}. */
    public java.util.List<String> texts(String field, int maxItems, int maxLength) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return java.util.List.of();
        }
        if (!value.isArray()) {
            throw invalid(field, "must be an array of strings.");
        }
        if (value.size() > maxItems) {
            throw invalid(field, "takes at most " + maxItems + " entries.");
        }
        var texts = new java.util.ArrayList<String>(value.size());
        for (JsonNode item : value) {
            if (!item.isString()) {
                throw invalid(field, "must be an array of strings.");
            }
            texts.add(Text.check(field, item.asString(), maxLength));
        }
        return java.util.List.copyOf(texts);
    }

    /**
     * The field's array of JSON objects, each read as {@link #parse} reads a body (only {@code fields}); required,
     * 1 to {@code maxItems} of them. A refusal names the field and the entry ({@code checks[3].permission}).
     */
    public java.util.List<JsonBody> objects(String field, int maxItems, String... fields) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw invalid(field, "is required.");
        }
        if (!value.isArray()) {
            throw invalid(field, "must be an array of objects.");
        }
        if (value.isEmpty() || value.size() > maxItems) {
            throw invalid(field, "takes 1 to " + maxItems + " entries.");
        }
        var known = Set.of(fields);
        var objects = new java.util.ArrayList<JsonBody>(value.size());
        for (JsonNode item : value) {
            if (!(item instanceof ObjectNode object)) {
                throw invalid(field, "must be an array of objects.");
            }
            for (String name : object.propertyNames()) {
                if (!known.contains(name)) {
                    throw invalid(
                            field,
                            "has an entry with the unknown field '" + Text.printable(name) + "'; its entries take "
                                    + String.join(", ", fields) + ".");
                }
            }
            objects.add(new JsonBody(object));
        }
        return java.util.List.copyOf(objects);
    }

    /** The field's whole number, at least {@code min}, or null when absent (or null). */
    public @Nullable Long wholeNumber(String field, long min, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw invalid(field, "is required.");
            }
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw invalid(field, "must be an integer.");
        }
        long n = value.asLong();
        if (n < min) {
            throw invalid(field, "must be at least " + min + ".");
        }
        return n;
    }

    public static RosterException invalid(String field, String problem) {
        return ErrorCode.INVALID_FIELD.problem("'" + field + "' " + problem);
    }
}
