package dev.roster.platform;

import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Ids as Roster writes them: the canonical 36-character form only. {@link UUID#fromString} also accepts short forms
 * ({@code 0-0-0-0-0} is the root tenant to it); an id a client sends is never read as another one.
 */
public final class Uuids {

    private static final Pattern CANONICAL =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Uuids() {}

    /** The id, or null when {@code text} is not a canonical UUID. */
    public static @Nullable UUID parse(String text) {
        return CANONICAL.matcher(text).matches() ? UUID.fromString(text) : null;
    }
}
