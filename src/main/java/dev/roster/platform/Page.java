package dev.roster.platform;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One page of a list: {@code {"items": [...], "next_cursor": "…" | null, "total": n}}. Pages are keyset-based: the
 * cursor is the (opaque) sort key of the last item, so rows inserted or deleted between two pages neither repeat
 * nor skip any other row. {@code total} is exact, counted with the same filters.
 */
public record Page<T>(List<T> items, @Nullable String nextCursor, long total) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    /**
     * A page from {@code rows} fetched with {@code limit + 1}: the extra row only says there is a next page, whose
     * cursor is the key of the last row shown.
     */
    public static <T> Page<T> of(List<T> rows, int limit, long total, Function<T, String> key) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null, total);
        }
        List<T> shown = rows.subList(0, limit);
        return new Page<>(List.copyOf(shown), encode(key.apply(shown.getLast())), total);
    }

    /** {@code limit} as asked (1 to 200), else 50. */
    public static int limit(@Nullable Integer limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ErrorCode.INVALID_PARAMETER.problem("'limit' must be between 1 and " + MAX_LIMIT + ".");
        }
        return limit;
    }

    /** The sort key a cursor carries, or null for the first page; a cursor Roster did not make is a 400. */
    public static @Nullable String key(@Nullable String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!key.startsWith(PREFIX)) {
                throw new IllegalArgumentException("not ours");
            }
            return key.substring(PREFIX.length());
        } catch (IllegalArgumentException e) {
            throw foreignCursor();
        }
    }

    /** The id a cursor carries (lists in id order), or null for the first page. */
    public static @Nullable UUID uuidKey(@Nullable String cursor) {
        String key = key(cursor);
        if (key == null) {
            return null;
        }
        UUID id = Uuids.parse(key);
        if (id == null) {
            throw foreignCursor();
        }
        return id;
    }

    /** The number a cursor carries (lists in the order of a numeric id), or null for the first page. */
    public static @Nullable Long longKey(@Nullable String cursor) {
        String key = key(cursor);
        if (key == null) {
            return null;
        }
        try {
            return Long.parseLong(key);
        } catch (NumberFormatException e) {
            throw foreignCursor();
        }
    }

    private static RosterException foreignCursor() {
        return ErrorCode.INVALID_PARAMETER.problem("'cursor' is not a cursor this API handed out.");
    }

    private static final String PREFIX = "k1:";

    private static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + key).getBytes(StandardCharsets.UTF_8));
    }
}
