package dev.roster.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@code attributes} and {@code excludedAttributes} parameters (RFC 7644 §3.4.2.5, §3.9): which attributes an
 * answer holds. {@code id} and {@code schemas} are always returned. Names are case-insensitive, may carry their
 * schema URN ({@code urn:…:enterprise:2.0:User:department}), and may name a sub-attribute ({@code name.givenName},
 * {@code emails.value}); a name the resource does not have selects nothing. The two parameters together are
 * {@code 400 invalidValue}.
 */
final class Projection {

    static final Projection ALL = new Projection("", List.of(), false);

    /** One name: its schema URN (null: the core schema) and attribute names (empty: the whole extension). */
    private record Selector(@Nullable String urn, List<String> names) {}

    private final String core;
    private final List<Selector> paths;
    private final boolean include;

    private Projection(String core, List<Selector> paths, boolean include) {
        this.core = core;
        this.paths = paths;
        this.include = include;
    }

    static Projection of(ResourceSchema schema, @Nullable String attributes, @Nullable String excluded) {
        boolean hasIncluded = attributes != null && !attributes.isBlank();
        boolean hasExcluded = excluded != null && !excluded.isBlank();
        if (hasIncluded && hasExcluded) {
            throw ScimError.invalidValue("Give either 'attributes' or 'excludedAttributes', not both.");
        }
        if (!hasIncluded && !hasExcluded) {
            return ALL;
        }
        String list = hasIncluded ? attributes : excluded;
        var paths = new ArrayList<Selector>();
        for (String raw : list.split(",")) {
            String name = raw.trim();
            if (name.isEmpty()) {
                continue;
            }
            ResourceSchema.Definition extension = schema.extension(name);
            if (extension != null) {
                paths.add(new Selector(extension.id(), List.of())); // a whole extension, by its URN
                continue;
            }
            try {
                Path path = Path.fromString(name).withoutFilters();
                paths.add(new Selector(path.getSchemaUrn(), names(path)));
            } catch (BadRequestException | RuntimeException e) {
                throw ScimError.invalidValue("'" + name + "' is not an attribute name: " + e.getMessage());
            }
        }
        return new Projection(schema.core.id(), List.copyOf(paths), hasIncluded);
    }

    /**
     * Whether the answer holds the core attribute {@code name} (or part of it): so that what is costly to read (a
     * group's members) is read only when it is asked for.
     */
    boolean returns(String name) {
        if (this == ALL) {
            return true;
        }
        for (Selector path : paths) {
            boolean core = path.urn() == null || path.urn().equalsIgnoreCase(this.core);
            boolean named =
                    core && !path.names().isEmpty() && path.names().getFirst().equalsIgnoreCase(name);
            if (named && include) {
                return true;
            }
            if (named && path.names().size() == 1) {
                return false; // excluded as a whole
            }
        }
        return !include;
    }

    ObjectNode apply(ObjectNode resource) {
        if (this == ALL) {
            return resource;
        }
        return include ? included(resource) : excluded(resource);
    }

    private ObjectNode included(ObjectNode resource) {
        ObjectNode out = ScimJson.object();
        out.set("schemas", resource.get("schemas"));
        out.set("id", resource.get("id"));
        for (Selector path : paths) {
            String urn = path.urn();
            List<String> names = path.names();
            if (urn != null && !urn.equalsIgnoreCase(core)) {
                String key = field(resource, urn);
                if (key == null || !(resource.get(key) instanceof ObjectNode extension)) {
                    continue;
                }
                if (names.isEmpty()) {
                    out.set(key, extension.deepCopy());
                } else {
                    ObjectNode target = out.get(key) instanceof ObjectNode o ? o : out.putObject(key);
                    copy(extension, target, names);
                    if (target.isEmpty()) {
                        out.remove(key);
                    }
                }
            } else if (!names.isEmpty()) {
                copy(resource, out, names);
            }
        }
        return out;
    }

    private ObjectNode excluded(ObjectNode resource) {
        ObjectNode out = resource.deepCopy();
        for (Selector path : paths) {
            String urn = path.urn();
            List<String> names = path.names();
            if (urn != null && !urn.equalsIgnoreCase(core)) {
                String key = field(out, urn);
                if (key == null) {
                    continue;
                }
                if (names.isEmpty()) {
                    out.remove(key);
                } else if (out.get(key) instanceof ObjectNode extension) {
                    remove(extension, names);
                }
            } else if (!names.isEmpty()
                    && !names.getFirst().equalsIgnoreCase("id")
                    && !names.getFirst().equalsIgnoreCase("schemas")) {
                remove(out, names);
            }
        }
        return out;
    }

    /** Copies {@code names[0]} (or its sub-attribute {@code names[1]}) from {@code source} into {@code target}. */
    private static void copy(ObjectNode source, ObjectNode target, List<String> names) {
        String key = field(source, names.getFirst());
        if (key == null) {
            return;
        }
        JsonNode value = source.get(key);
        if (names.size() == 1) {
            target.set(key, value.deepCopy());
            return;
        }
        String subName = names.get(1);
        if (value instanceof ObjectNode object) {
            String sub = field(object, subName);
            if (sub != null) {
                ObjectNode into = target.get(key) instanceof ObjectNode o ? o : target.putObject(key);
                into.set(sub, object.get(sub).deepCopy());
            }
        } else if (value instanceof ArrayNode array) {
            ArrayNode into = target.get(key) instanceof ArrayNode a ? a : target.putArray(key);
            for (int i = 0; i < array.size(); i++) {
                if (into.size() <= i) {
                    into.addObject();
                }
                if (array.get(i) instanceof ObjectNode item && into.get(i) instanceof ObjectNode intoItem) {
                    String sub = field(item, subName);
                    if (sub != null) {
                        intoItem.set(sub, item.get(sub).deepCopy());
                    }
                }
            }
        }
    }

    private static void remove(ObjectNode node, List<String> names) {
        String key = field(node, names.getFirst());
        if (key == null) {
            return;
        }
        if (names.size() == 1) {
            node.remove(key);
            return;
        }
        JsonNode value = node.get(key);
        if (value instanceof ObjectNode object) {
            String sub = field(object, names.get(1));
            if (sub != null) {
                object.remove(sub);
            }
        } else if (value instanceof ArrayNode array) {
            for (JsonNode item : array) {
                if (item instanceof ObjectNode object) {
                    String sub = field(object, names.get(1));
                    if (sub != null) {
                        object.remove(sub);
                    }
                }
            }
        }
    }

    private static List<String> names(Path path) {
        var names = new ArrayList<String>();
        for (Path.Element element : path) {
            names.add(element.getAttribute());
        }
        return names;
    }

    /** The field of {@code node} named {@code name}, case-insensitively (SCIM names are), or null. */
    private static @Nullable String field(ObjectNode node, String name) {
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            if (property.getKey().equalsIgnoreCase(name)) {
                return property.getKey();
            }
        }
        return null;
    }
}
