package dev.roster.platform;

import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * How far this node has seen the cluster's changes, for reads that ask {@code min_version}.
 *
 * <p>Every write answers the version of its transaction ({@link InvalidationBus#version()}); versions are handed out in
 * commit order and every versioned transaction's notification carries its version, and notifications arrive in commit
 * order. So once this node has received the notification of version {@code v}, it has received (and applied to its
 * caches) every change committed up to {@code v}: {@link #seen()} is the highest version received. A read with
 * {@code min_version} above it waits, bounded, for that notification; if it is late (or was lost while the listener
 * reconnected) the node pings itself ({@link InvalidationBus#ping()}) and waits for the ping to come back. See
 * docs/adr/002-versions.md.
 */
@Component
public class Versions {

    /** Response header carrying the version of the request's committed changes. */
    public static final String HEADER = "Roster-Version";

    private static final Logger log = LoggerFactory.getLogger(Versions.class);

    /**
     * How long a read waits for the version's own notification (normally there within a millisecond of the commit)
     * before it sends a ping, which costs a commit of its own.
     */
    private static final Duration PING_AFTER = Duration.ofMillis(25);

    @ConfigurationProperties("roster.consistency")
    record Settings(@DefaultValue("2s") Duration maxWait) {}

    private final InvalidationBus bus;
    private final Duration maxWait;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private final AtomicBoolean pingInFlight = new AtomicBoolean();
    private volatile long seen;

    Versions(InvalidationBus bus, Settings settings) {
        this.bus = bus;
        this.maxWait = settings.maxWait();
        bus.onVersions(this::advance, Versions::answer);
    }

    /** The highest version whose changes, and all before them, this node has received. */
    public long seen() {
        return seen;
    }

    /**
     * Returns once this node reflects every change committed up to {@code minVersion}, or throws {@code 409
     * stale_read} after {@code roster.consistency.max-wait}. A node that is not listening caches nothing, so it reads
     * the database itself and is always fresh.
     */
    public void awaitAtLeast(long minVersion) {
        if (seen >= minVersion || !bus.isConnected()) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + maxWait.toNanos();
        long pingAt = start + PING_AFTER.toNanos();
        lock.lock();
        try {
            while (seen < minVersion && bus.isConnected()) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    throw ErrorCode.STALE_READ.problem("This node has not yet seen version " + minVersion
                            + " (it has seen " + seen + "); retry, or read from another node.");
                }
                if (now >= pingAt) {
                    // The version's own notification is late or was lost (a reconnect): ask for proof instead.
                    lock.unlock();
                    try {
                        requestPing();
                    } finally {
                        lock.lock();
                    }
                    pingAt = System.nanoTime() + PING_AFTER.toNanos();
                    continue;
                }
                advanced.awaitNanos(Math.min(deadline, pingAt) - now);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ErrorCode.STALE_READ.problem("Interrupted while waiting for version " + minVersion + ".");
        } finally {
            lock.unlock();
        }
    }

    /** One ping in flight at a time serves every waiting read. */
    private void requestPing() {
        if (pingInFlight.compareAndSet(false, true)) {
            try {
                bus.ping();
            } catch (RuntimeException e) {
                log.warn("could not ping the invalidation channel", e);
            } finally {
                pingInFlight.set(false);
            }
        }
    }

    private void advance(long version) {
        if (version <= seen) {
            return;
        }
        lock.lock();
        try {
            if (version > seen) {
                seen = version;
                advanced.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The version of the last transaction this request committed (what a write answers as {@code version}); for a
     * request that changed nothing, the highest version this node has seen.
     */
    public long committed() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                && attributes.getAttribute(COMMITTED, RequestAttributes.SCOPE_REQUEST) instanceof Long version) {
            return version;
        }
        return seen;
    }

    private static final String COMMITTED = Versions.class.getName() + ".committed";

    /** After a commit in a request: tell the client the version of what it changed. */
    private static void answer(long version) {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            attributes.setAttribute(COMMITTED, version, RequestAttributes.SCOPE_REQUEST);
            HttpServletResponse response = attributes.getResponse();
            if (response != null && !response.isCommitted()) {
                response.setHeader(HEADER, Long.toString(version));
            }
        }
    }
}
