package dev.roster.sync;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Directory sync: {@code roster.sync.*}, i.e. {@code ROSTER_SYNC_*}. docs/sync.md explains each.
 *
 * @param rolesTtl a refresh schedules a background sync when the user's roles are older than this
 * @param claimTimeout how long one node's claim on a user's sync lasts if it never finishes (a node that dies)
 * @param errorBackoff after an upstream error, the user's next background sync waits this long
 * @param maxRemovalShare a pull that would remove more than this share of a user's upstream memberships (net of
 *     what it adds) is refused; {@code 1} turns the guard off
 * @param allowEmptyRoles apply an upstream answer with no roles for a user who has some (off: refused)
 * @param maxDeprovisionsPerHour the upstream may deactivate at most this many users an hour, cluster-wide; more
 *     looks like an outage and is refused
 * @param refreshQueue background syncs waiting on this node at most; more are dropped (and counted)
 * @param searchTimeout the admin search waits this long for the directory before answering with local results
 */
@ConfigurationProperties("roster.sync")
public record SyncSettings(
        @DefaultValue("15m") Duration rolesTtl,
        @DefaultValue("2m") Duration claimTimeout,
        @DefaultValue("30s") Duration errorBackoff,
        @DefaultValue("0.5") double maxRemovalShare,
        @DefaultValue("false") boolean allowEmptyRoles,
        @DefaultValue("50") int maxDeprovisionsPerHour,
        @DefaultValue("1000") int refreshQueue,
        @DefaultValue("300ms") Duration searchTimeout,
        @DefaultValue Sweep sweep,
        @DefaultValue Budget budget) {

    public SyncSettings {
        if (maxRemovalShare < 0 || maxRemovalShare > 1) {
            throw new IllegalArgumentException("roster.sync.max-removal-share must be between 0 and 1");
        }
    }

    /**
     * The cluster-once sweep of stale users.
     *
     * @param enabled off: no sweep on this node (others may still run it)
     * @param interval time between the starts of two sweeps, cluster-wide
     * @param staleAfter users not synced for this long are swept
     * @param batchSize users claimed at once
     * @param concurrency upstream calls in flight at once on the sweeping node
     * @param lease how long the sweeping node holds the job without renewing it (renewed every batch)
     */
    public record Sweep(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("10m") Duration interval,
            @DefaultValue("12h") Duration staleAfter,
            @DefaultValue("50") int batchSize,
            @DefaultValue("4") int concurrency,
            @DefaultValue("2m") Duration lease) {}

    /**
     * The one upstream rate budget of the whole cluster.
     *
     * @param rate upstream requests per second, all nodes together
     * @param maxWait a background call waits at most this long for a permit
     */
    public record Budget(
            @DefaultValue("50") int rate,
            @DefaultValue("30s") Duration maxWait) {}
}
