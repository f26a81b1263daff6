package dev.roster.outbox;

/** Where a change came from: Roster itself (an admin, a command), or the upstream (a pull, a webhook, SCIM). */
public enum Origin {
    LOCAL,
    UPSTREAM;

    String column() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
