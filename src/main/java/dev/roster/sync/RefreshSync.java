package dev.roster.sync;

import dev.roster.sync.UserSync.Options;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;

/**
 * The sync a refresh schedules when the user's roles are older than {@code roster.sync.roles-ttl}: fire and forget.
 * The refresh answers at once; the check costs nothing when the roles are fresh (the time comes from the user's
 * cached view); the claim on the user (in the background, not on the refresh's path) keeps it to one sync per user
 * across the cluster. Errors are logged and counted, never surfaced.
 */
@Service
public class RefreshSync implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RefreshSync.class);

    private final DirectoryPull pull;
    private final SyncSettings settings;
    private final SyncMetrics metrics;
    private final ThreadPoolExecutor executor;
    // Users queued or syncing on this node: a burst of refreshes by one user queues one sync.
    private final Set<UUID> queued = ConcurrentHashMap.newKeySet();

    RefreshSync(DirectoryPull pull, SyncSettings settings, SyncMetrics metrics) {
        this.pull = pull;
        this.settings = settings;
        this.metrics = metrics;
        this.executor = new ThreadPoolExecutor(
                2,
                2,
                1,
                TimeUnit.MINUTES,
                new LinkedBlockingQueue<>(settings.refreshQueue()),
                Thread.ofPlatform().name("role-sync-", 0).daemon().factory());
        this.executor.allowCoreThreadTimeOut(true);
    }

    /** Called after a refresh committed: schedules a sync when the roles are stale. */
    public void afterRefresh(UUID userId, @Nullable Instant lastRolesSyncAt) {
        if (!pull.hasDirectory()) {
            return;
        }
        if (lastRolesSyncAt != null && lastRolesSyncAt.isAfter(Instant.now().minus(settings.rolesTtl()))) {
            return;
        }
        if (!queued.add(userId)) {
            return;
        }
        try {
            executor.execute(() -> run(userId));
        } catch (RejectedExecutionException e) {
            queued.remove(userId);
            metrics.refreshDropped();
        }
    }

    private void run(UUID userId) {
        try {
            pull.sync(userId, SyncTrigger.REFRESH, false, Options.APPLY);
        } catch (RuntimeException e) {
            log.warn("background role sync of user {} failed", userId, e);
        } finally {
            queued.remove(userId);
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
