package dev.roster.scim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.filters.Filter;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A SCIM resource type's schemas as Roster serves them: the core schema, its extensions, and the attributes every
 * resource has ({@code id}, {@code externalId}, {@code meta}). Resolves the attribute paths of filters, {@code
 * sortBy} and {@code attributes} to {@link ScimAttribute}s, case-insensitively, with or without the schema URN.
 */
final class ResourceSchema {

    /** One schema (RFC 7643 §7). */
    record Definition(String id, String name, String description, List<ScimAttribute> attributes) {

        ObjectNode toJson(String baseUrl) {
            ObjectNode node = ScimJson.object();
            node.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:Schema");
            node.put("id", id);
            node.put("name", name);
            node.put("description", description);
            ArrayNode attrs = node.putArray("attributes");
            attributes.forEach(a -> attrs.add(a.definition()));
            ObjectNode meta = node.putObject("meta");
            meta.put("resourceType", "Schema");
            meta.put("location", baseUrl + "/Schemas/" + id);
            return node;
        }
    }

    /** A path resolved to the attribute holding its value. */
    record Resolved(
            ScimAttribute attribute,
            @Nullable ScimAttribute parent,
            @Nullable Filter valueFilter) {}

    final String name;
    final String endpoint;
    final Definition core;
    final List<Definition> extensions;
    private final List<ScimAttribute> common;
    private final java.util.Map<String, String> joins;

    ResourceSchema(
            String name, String endpoint, Definition core, List<Definition> extensions, List<ScimAttribute> common) {
        this(name, endpoint, core, extensions, common, java.util.Map.of());
    }

    /**
     * @param joins for multi-valued attributes whose values are rows of another table (a group's members): the
     *     attribute's name and an {@code EXISTS (…)} around {@code {}}, where a comparison of one of its
     *     sub-attributes goes; a filter on them is then "some value matches"
     */
    ResourceSchema(
            String name,
            String endpoint,
            Definition core,
            List<Definition> extensions,
            List<ScimAttribute> common,
            java.util.Map<String, String> joins) {
        this.name = name;
        this.endpoint = endpoint;
        this.core = core;
        this.extensions = List.copyOf(extensions);
        this.common = List.copyOf(common);
        this.joins = java.util.Map.copyOf(joins);
    }

    /** The {@code EXISTS} a comparison of a sub-attribute of {@code parent} goes into, or null (a plain column). */
    @Nullable
    String joinOf(@Nullable ScimAttribute parent) {
        return parent == null ? null : joins.get(parent.name());
    }

    /** The attribute {@code path} names, for a filter or {@code sortBy}; unknown or unfit → {@code 400 invalidFilter}. */
    Resolved resolve(Path path) {
        List<ScimAttribute> attributes = attributesOf(path.getSchemaUrn());
        if (attributes == null || path.size() == 0 || path.size() > 2) {
            throw unknown(path);
        }
        Path.Element first = path.getElement(0);
        ScimAttribute attribute = find(attributes, first.getAttribute());
        if (attribute == null) {
            throw unknown(path);
        }
        Filter valueFilter = first.getValueFilter();
        if (valueFilter != null && !attribute.multiValued()) {
            throw ScimError.invalidFilter(
                    "'" + attribute.name() + "' is single-valued: it takes no value filter ([...]).");
        }
        if (path.size() == 1) {
            if (attribute.type() != ScimAttribute.Type.COMPLEX) {
                return stored(new Resolved(attribute, null, valueFilter), path);
            }
            // RFC 7644 §3.4.2.2: a complex multi-valued attribute without a sub-attribute means its "value".
            ScimAttribute value = attribute.sub("value");
            if (value == null) {
                throw ScimError.invalidFilter("'" + attribute.name() + "' is complex: name one of its sub-attributes.");
            }
            return stored(new Resolved(value, attribute, valueFilter), path);
        }
        Path.Element second = path.getElement(1);
        ScimAttribute sub = attribute.sub(second.getAttribute());
        if (sub == null || second.getValueFilter() != null) {
            throw unknown(path);
        }
        return stored(new Resolved(sub, attribute, valueFilter), path);
    }

    /** Only what Roster stores can be filtered or sorted by ({@code manager.$ref}, {@code meta.location} cannot). */
    private static Resolved stored(Resolved resolved, Path path) {
        if (resolved.attribute().sql() == null) {
            throw ScimError.invalidFilter(
                    "'" + path + "' is computed, not stored: it cannot be filtered or sorted by.");
        }
        return resolved;
    }

    /** A sub-attribute of {@code parent} inside its value filter ({@code emails[type eq "work"]}). */
    ScimAttribute resolveWithin(ScimAttribute parent, Path path) {
        if (path.getSchemaUrn() != null
                || path.size() != 1
                || path.getElement(0).getValueFilter() != null) {
            throw ScimError.invalidFilter("Inside " + parent.name() + "[...] name one of its sub-attributes.");
        }
        ScimAttribute sub = parent.sub(path.getElement(0).getAttribute());
        if (sub == null || sub.sql() == null) {
            throw ScimError.invalidFilter("'" + parent.name() + "' has no sub-attribute '"
                    + path.getElement(0).getAttribute() + "'.");
        }
        return sub;
    }

    /** The attributes of the schema {@code urn} (null: the core schema and the common attributes); null if unknown. */
    @Nullable
    List<ScimAttribute> attributesOf(@Nullable String urn) {
        if (urn == null || urn.equalsIgnoreCase(core.id())) {
            var all = new ArrayList<>(common);
            all.addAll(core.attributes());
            return all;
        }
        for (Definition extension : extensions) {
            if (extension.id().equalsIgnoreCase(urn)) {
                return extension.attributes();
            }
        }
        return null;
    }

    /** The extension schema whose id is {@code urn}, case-insensitively, or null. */
    @Nullable
    Definition extension(String urn) {
        for (Definition extension : extensions) {
            if (extension.id().equalsIgnoreCase(urn)) {
                return extension;
            }
        }
        return null;
    }

    List<Definition> schemas() {
        var all = new ArrayList<Definition>();
        all.add(core);
        all.addAll(extensions);
        return all;
    }

    static @Nullable ScimAttribute find(List<ScimAttribute> attributes, String name) {
        for (ScimAttribute attribute : attributes) {
            if (attribute.name().equalsIgnoreCase(name)) {
                return attribute;
            }
        }
        return null;
    }

    private static ScimError unknown(Path path) {
        return ScimError.invalidFilter("Roster has no attribute '" + path + "' to filter or sort by.");
    }

    /** The {@code ResourceTypes} entry of this resource type (RFC 7643 §6). */
    ObjectNode resourceType(String baseUrl) {
        ObjectNode node = ScimJson.object();
        node.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:ResourceType");
        node.put("id", name);
        node.put("name", name);
        node.put("endpoint", endpoint);
        node.put("description", core.description());
        node.put("schema", core.id());
        ArrayNode exts = node.putArray("schemaExtensions");
        for (Definition extension : extensions) {
            exts.addObject().put("schema", extension.id()).put("required", false);
        }
        ObjectNode meta = node.putObject("meta");
        meta.put("resourceType", "ResourceType");
        meta.put("location", baseUrl + "/ResourceTypes/" + name);
        return node;
    }
}
