package dev.roster.users;

import dev.roster.platform.AuditLog;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.InvalidationBus;
import dev.roster.platform.RosterException;
import dev.roster.platform.Text;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** A user's own settings: a JSON object changed by JSON Merge Patch (RFC 7396), bounded in size. */
@Service
public class SettingsManagement {

    private final Users users;
    private final AuditLog audit;
    private final InvalidationBus bus;
    private final JsonMapper json;
    private final int maxBytes;

    SettingsManagement(Users users, AuditLog audit, InvalidationBus bus, JsonMapper json, SettingsLimit limit) {
        this.users = users;
        this.audit = audit;
        this.bus = bus;
        this.json = json;
        this.maxBytes = limit.settingsMaxBytes();
    }

    /**
     * Applies {@code patch} (members set to null are removed) and returns the resulting settings. Text that
     * {@code jsonb} cannot store exactly (NUL, lone surrogates), in a key or a value at any depth, is a
     * {@code 400 invalid_settings}: settings are stored as sent or not at all.
     */
    @Transactional
    public JsonNode patch(UUID userId, ObjectNode patch) {
        requireStorable(patch, "");
        String stored = users.lockSettings(userId)
                .orElseThrow(() -> new RosterException(ErrorCode.USER_NOT_FOUND, "The user no longer exists."));
        ObjectNode current = (ObjectNode) json.readTree(stored);
        ObjectNode before = current.deepCopy();
        merge(current, patch);
        String merged = json.writeValueAsString(current);
        if (merged.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw new RosterException(
                    ErrorCode.SETTINGS_TOO_LARGE, "Settings may hold at most " + maxBytes + " bytes of JSON.");
        }
        users.updateSettings(userId, merged);
        audit.record(
                "user:" + userId,
                "user.settings.updated",
                "user:" + userId,
                Map.of("settings", before),
                Map.of("settings", current));
        bus.publish(UserViews.TOPIC, userId.toString());
        return current;
    }

    private static void requireStorable(JsonNode node, String path) {
        if (node.isString()) {
            refuseIfUnstorable(path, node.asString());
            return;
        }
        if (node.isObject()) {
            for (var name : node.propertyNames()) {
                String child = path + "/" + name.replace("~", "~0").replace("/", "~1");
                refuseIfUnstorable(child, name);
                requireStorable(node.get(name), child);
            }
            return;
        }
        int i = 0;
        for (JsonNode element : node) {
            requireStorable(element, path + "/" + i++);
        }
    }

    private static void refuseIfUnstorable(String pointer, String text) {
        String problem = Text.unstorableInJson(text);
        if (problem != null) {
            // The pointer itself is shown escaped: it may hold the very character refused.
            throw new RosterException(
                    ErrorCode.INVALID_SETTINGS,
                    "Settings text at " + Text.printable(pointer) + " " + problem + " It cannot be stored exactly.");
        }
    }

    private static void merge(ObjectNode target, ObjectNode patch) {
        for (var name : new ArrayList<>(patch.propertyNames())) {
            JsonNode value = patch.get(name);
            if (value.isNull()) {
                target.remove(name);
            } else if (value.isObject() && target.get(name) instanceof ObjectNode existing) {
                merge(existing, (ObjectNode) value);
            } else {
                target.set(name, value);
            }
        }
    }
}
