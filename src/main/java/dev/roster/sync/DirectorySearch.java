package dev.roster.sync;

import dev.roster.connectors.UpstreamCallFailed;
import dev.roster.connectors.UpstreamDirectory;
import dev.roster.connectors.UpstreamUser;
import dev.roster.platform.AuditLog;
import dev.roster.platform.InvalidationBus;
import dev.roster.users.UpstreamSearch;
import dev.roster.users.UserViews;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The search fallback: the directory's matches are upserted (profiles only, in one statement) so that the search,
 * run again, shows them with their Roster ids. The directory gets {@code roster.sync.search-timeout}; a late answer
 * is still upserted when it comes (in the background), but this search does not wait for it.
 */
@Service
class DirectorySearch implements UpstreamSearch {

    private static final Logger log = LoggerFactory.getLogger(DirectorySearch.class);

    private final DirectoryPull pull;
    private final UserSync sync;
    private final SyncedUsers users;
    private final SyncSettings settings;
    private final TransactionTemplate tx;
    private final InvalidationBus bus;
    private final AuditLog audit;
    // Directory searches in flight: a few at most, each bounded by the connector's read timeout.
    // A few searches in flight and a few waiting, no more: searching as one types against a slow directory must not
    // pile up calls that all burst out once it recovers (beyond these, a search answers locally at once).
    private final ThreadPoolExecutor searches = new ThreadPoolExecutor(
            2,
            2,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(4),
            Thread.ofPlatform().name("directory-search-", 0).daemon().factory());

    DirectorySearch(
            DirectoryPull pull,
            UserSync sync,
            SyncedUsers users,
            SyncSettings settings,
            TransactionTemplate tx,
            InvalidationBus bus,
            AuditLog audit) {
        this.bus = bus;
        this.audit = audit;
        this.pull = pull;
        this.sync = sync;
        this.users = users;
        this.settings = settings;
        this.tx = tx;
    }

    @Override
    public Outcome search(String query, int limit) {
        UpstreamDirectory directory = pull.directory().orElse(null);
        if (directory == null) {
            return Outcome.UNAVAILABLE;
        }
        CompletableFuture<Integer> upserted;
        try {
            upserted = CompletableFuture.supplyAsync(() -> upsert(directory.search(query, limit)), searches);
        } catch (RejectedExecutionException e) {
            return Outcome.SKIPPED;
        }
        try {
            int created = upserted.get(settings.searchTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return created > 0 ? Outcome.ANSWERED : Outcome.NOTHING_NEW;
        } catch (TimeoutException e) {
            log.debug(
                    "the directory's search took longer than {}; answered with local results",
                    settings.searchTimeout());
            return Outcome.SKIPPED;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UpstreamCallFailed failed) {
                log.debug("the directory's search failed ({}); answered with local results", failed.kind());
            } else {
                log.warn("the directory's search failed; answered with local results", e.getCause());
            }
            return Outcome.SKIPPED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.SKIPPED;
        }
    }

    private int upsert(List<UpstreamUser> found) {
        if (found.isEmpty()) {
            return 0;
        }
        // One row per external id: a statement may not update the same row twice.
        Map<String, UpstreamUser> unique = new LinkedHashMap<>();
        found.forEach(u -> unique.putIfAbsent(u.externalId(), u));
        List<UpstreamUser> rows = List.copyOf(unique.values());
        Integer created = tx.execute(status -> {
            int n = 0;
            for (SyncedUsers.Upsert row : users.upsertProfiles(sync.provider(), rows)) {
                if (row.changed()) {
                    bus.publish(UserViews.TOPIC, row.id().toString());
                }
                if (row.created()) {
                    n++;
                    audit.record(
                            "upstream:" + sync.provider() + " (search)",
                            "user.provisioned",
                            "user:" + row.id(),
                            null,
                            Map.of("external_id", row.externalId()));
                }
            }
            return n;
        });
        return created == null ? 0 : created;
    }
}
