package dev.roster.serviceaccounts;

/**
 * Client authentication failed: unknown client, wrong or expired secret, deactivated account. Deliberately one
 * exception with one message: the answer never says which.
 */
public final class InvalidClient extends RuntimeException {

    public InvalidClient() {
        super("Client authentication failed.", null, false, false);
    }
}
