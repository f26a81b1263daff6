package dev.roster.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A change-feed subscription as the API shows it. {@code eventTypes} empty: every event; an entry may end in {@code *}
 * ({@code membership.*}). {@code disabledReason} says why Roster disabled it (the endpoint answered {@code 410}).
 */
public record Subscription(
        UUID id,
        String url,
        @Nullable String description,
        List<String> eventTypes,
        boolean enabled,
        @Nullable String disabledReason,
        Instant createdAt,
        Instant updatedAt,
        long version) {

    /** Whether this subscription takes events of {@code eventType}. */
    boolean wants(String eventType) {
        if (!enabled) {
            return false;
        }
        if (eventTypes.isEmpty()) {
            return true;
        }
        for (String wanted : eventTypes) {
            if (wanted.equals(eventType)
                    || (wanted.endsWith("*") && eventType.startsWith(wanted.substring(0, wanted.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}
