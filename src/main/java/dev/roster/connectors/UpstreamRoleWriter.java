package dev.roster.connectors;

/**
 * Writing Roster's own membership changes back to the upstream directory (the outbox's {@code upstream} target, in
 * {@code sync}). Both calls are idempotent: the same call again leaves the directory as the first left it. Each
 * carries the outbox event's id as an {@code Idempotency-Key} besides. Failures are {@link UpstreamCallFailed}:
 * {@code REJECTED} for good, anything else worth trying again.
 */
public interface UpstreamRoleWriter {

    /** Whether the operator turned write-back on for this upstream. */
    boolean writesBack();

    /** Gives the user (by the directory's id) {@code role} (a role slug) in the tenant (by the directory's key). */
    void assign(String userExternalId, String tenantKey, String role, String idempotencyKey);

    /** Takes the user's role in the tenant away; done as well when they hold none there. */
    void revoke(String userExternalId, String tenantKey, String idempotencyKey);
}
