package dev.roster.platform;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tells every node which cached things a committed transaction changed, through PostgreSQL {@code NOTIFY}.
 *
 * <p>{@link #publish} inside a transaction issues {@code pg_notify} (delivered by PostgreSQL only if and when the
 * transaction commits) and evicts this node's caches synchronously after commit, so the writer reads its own write.
 * Every node {@code LISTEN}s on one dedicated connection of its own (not from the pool). Every second it also asks
 * that connection a trivial query with a socket timeout, so a connection that died silently (a dropped NAT entry, a
 * failover) is noticed within seconds, not when TCP gives up hours later. When the connection fails, the node clears
 * all its caches (it may have missed notifications), caches nothing until it listens again, and reconnects.
 *
 * <p>A notification's payload is lines of {@code topic:key}, e.g. {@code session:6f1c…}, the last one
 * {@code version:<n>}: every transaction that changes something sends exactly one notification (more only past
 * PostgreSQL's 8000-byte limit), and carries its version, which {@link Versions} uses for {@code min_version} reads.
 */
@Component
public class InvalidationBus implements SmartLifecycle {

    static final String CHANNEL = "roster_invalidation";
    static final String VERSION_TOPIC = "version";
    static final String PING_TOPIC = "ping";
    /** Transaction-scoped advisory lock that orders versions by commit ("Roster" in ASCII). */
    static final long VERSION_LOCK = 0x526f73746572L;

    private static final int MAX_PAYLOAD = 7_900;

    private static final String ANNOUNCE = "SELECT roster_announce(:channel, :lock, :payload)";

    // The function scan runs before the target list: the lock is held when nextval draws.
    private static final String TAKE_VERSION = "SELECT nextval('roster_version') FROM pg_advisory_xact_lock(:lock)";

    private static final String LOCK_VERSIONS = "SELECT pg_advisory_xact_lock(:lock)";

    // The announcement with a writer's statement alongside (alongAnnouncement): the version drawn (or already drawn,
    // :version) is the CTE "announced"; a data-modifying CTE runs whether or not the result reads it.
    private static final String ANNOUNCE_ALONG = """
            WITH announced AS (SELECT roster_announce(:channel, :lock, :payload) AS version),
                 along AS (%s)
            SELECT version FROM announced
            """;
    private static final String NOTIFY_ALONG = """
            WITH announced AS (SELECT CAST(:version AS bigint) AS version),
                 along AS (%s)
            SELECT pg_notify(:channel, :payload)
            """;

    private static final String LAST_VERSION =
            "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM roster_version";
    private static final Logger log = LoggerFactory.getLogger(InvalidationBus.class);
    private static final Duration RECONNECT_DELAY = Duration.ofMillis(500);

    private static final int PROBE_TIMEOUT_SECONDS = 5;

    private final HikariDataSource pool;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private volatile LongConsumer seenVersions = v -> {};
    private volatile LongConsumer committedVersions = v -> {};
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstListen = new CountDownLatch(1);
    private volatile boolean running;
    private volatile boolean connected;
    private Thread listener;

    public InvalidationBus(HikariDataSource pool, JdbcClient jdbc, TransactionTemplate tx) {
        this.pool = pool;
        this.jdbc = jdbc;
        this.tx = tx;
    }

    private record Subscription(String topic, Consumer<String> onKey, Runnable onReset) {}

    /** Calls {@code onKey} for every notification on {@code topic}, {@code onReset} when notifications may be lost. */
    public void subscribe(String topic, Consumer<String> onKey, Runnable onReset) {
        subscriptions.add(new Subscription(topic, onKey, onReset));
    }

    /**
     * Announces that {@code key} of {@code topic} changed: to every node when the surrounding transaction commits
     * (one notification per transaction, carrying its {@linkplain #version() version}), and to this node's caches
     * right after the commit, before the caller goes on. Must be called inside a transaction.
     */
    public void publish(String topic, String key) {
        pending().keys.add(topic + ":" + key);
    }

    /**
     * Marks the current transaction as changing something: at commit it is announced to every node with a version,
     * even if it publishes no key. Costs nothing until then.
     */
    public void join() {
        pending();
    }

    /**
     * Runs {@code statement} at commit in the same round trip as the transaction's announcement, so under the version
     * lock: a data-modifying statement (an {@code INSERT}) that reads the transaction's version as
     * {@code (SELECT version FROM announced)}, with {@code params} (named apart from {@code channel}, {@code lock},
     * {@code payload} and {@code version}). For a writer that stores the version in rows of its own at commit (the
     * outbox): one round trip under the lock, where drawing the version, writing and announcing would take three, each
     * of which every other writer waits for. Once per transaction; call it before commit (in a synchronization
     * ordered before the bus's, or earlier).
     */
    public void alongAnnouncement(String statement, java.util.Map<String, ?> params) {
        Pending p = pending();
        if (p.along != null) {
            throw new IllegalStateException("one statement alongside the announcement per transaction");
        }
        p.along = statement;
        p.alongParams = params;
    }

    /**
     * The version of the current transaction's changes, drawn now, for a writer that must store it in its rows
     * (resources clients update with {@code If-Match}). It takes the version lock, held until commit, so call it after
     * the transaction's last row lock and write (lock order: rows, then the version), and only stamp rows this
     * transaction already locked. Everyone else lets commit draw it ({@link #join()}, {@link #publish}); the request
     * learns it from {@link Versions#committed()}.
     */
    public long version() {
        Pending p = pending();
        if (p.version == 0) {
            p.version = jdbc.sql(TAKE_VERSION)
                    .param("lock", VERSION_LOCK)
                    .query(Long.class)
                    .single();
        }
        return p.version;
    }

    /** This transaction's changes: their notification payloads and version, sent in one notification at commit. */
    private final class Pending implements TransactionSynchronization {
        final Set<String> keys = new LinkedHashSet<>();
        long version;

        @org.jspecify.annotations.Nullable
        String along;

        java.util.Map<String, ?> alongParams = java.util.Map.of();

        /**
         * Announces the changes. Without a version yet, one call ({@code roster_announce}, migration V015) takes the
         * version lock, draws the version and notifies: the lock is then held only while PostgreSQL commits.
         */
        @Override
        public void beforeCommit(boolean readOnly) {
            var payloads = new ArrayList<>(keys);
            if (version != 0) {
                payloads.add(VERSION_TOPIC + ":" + version);
            }
            List<String> notifications = chunks(payloads);
            int last = notifications.size() - 1;
            for (int i = 0; i < notifications.size(); i++) {
                if (i == last && version == 0) {
                    version = jdbc.sql(along == null ? ANNOUNCE : ANNOUNCE_ALONG.formatted(along))
                            .params(alongParams)
                            .param("channel", CHANNEL)
                            .param("lock", VERSION_LOCK)
                            .param("payload", notifications.get(i))
                            .query(Long.class)
                            .single();
                } else if (i == last && along != null) {
                    jdbc.sql(NOTIFY_ALONG.formatted(along))
                            .params(alongParams)
                            .param("version", version)
                            .param("channel", CHANNEL)
                            .param("payload", notifications.get(i))
                            .query()
                            .singleValue();
                } else {
                    jdbc.sql("SELECT pg_notify(:channel, :payload)")
                            .param("channel", CHANNEL)
                            .param("payload", notifications.get(i))
                            .query()
                            .singleValue();
                }
            }
        }

        @Override
        public void afterCommit() {
            keys.forEach(InvalidationBus.this::dispatchOne);
            committedVersions.accept(version);
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(Pending.class);
        }
    }

    private Pending pending() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("changes are published inside a transaction");
        }
        Pending p = (Pending) TransactionSynchronizationManager.getResource(Pending.class);
        if (p == null) {
            p = new Pending();
            TransactionSynchronizationManager.bindResource(Pending.class, p);
            TransactionSynchronizationManager.registerSynchronization(p);
        }
        return p;
    }

    /** Joins payloads with newlines into notifications under PostgreSQL's 8000-byte limit, in order. */
    static List<String> chunks(List<String> payloads) {
        var result = new ArrayList<String>();
        var current = new StringBuilder();
        for (String payload : payloads) {
            if (current.length() > 0 && current.length() + 1 + payload.length() > MAX_PAYLOAD) {
                result.add(current.toString());
                current.setLength(0);
            }
            if (current.length() > 0) {
                current.append('\n');
            }
            current.append(payload);
        }
        if (current.length() > 0 || result.isEmpty()) {
            result.add(current.toString());
        }
        return result;
    }

    /** True while this node listens; a node that is not listening serves no cached entry older than the outage. */
    public boolean isConnected() {
        return connected;
    }

    /** One notification: its lines in order, each {@code topic:key}; a version or ping line comes last. */
    void dispatch(String notification) {
        for (String line : notification.split("\n")) {
            dispatchOne(line);
        }
    }

    private void dispatchOne(String payload) {
        int colon = payload.indexOf(':');
        if (colon < 0) {
            return;
        }
        String topic = payload.substring(0, colon);
        String key = payload.substring(colon + 1);
        if (topic.equals(VERSION_TOPIC) || topic.equals(PING_TOPIC)) {
            // Only the listener's notifications prove what this node has seen (they arrive in commit order).
            return;
        }
        for (Subscription s : subscriptions) {
            if (s.topic().equals(topic)) {
                try {
                    s.onKey().accept(key);
                } catch (RuntimeException e) {
                    log.warn("invalidation of {} failed; clearing that cache", payload, e);
                    s.onReset().run();
                }
            }
        }
    }

    /** A notification from the listener: invalidate, then tell {@link Versions} how far this node has seen. */
    private void received(String notification) {
        long seen = 0;
        for (String line : notification.split("\n")) {
            dispatchOne(line);
            seen = Math.max(seen, versionIn(line));
        }
        if (seen > 0) {
            seenVersions.accept(seen);
        }
    }

    private static long versionIn(String line) {
        for (String topic : List.of(VERSION_TOPIC, PING_TOPIC)) {
            if (line.startsWith(topic) && line.length() > topic.length() && line.charAt(topic.length()) == ':') {
                try {
                    return Long.parseLong(line.substring(topic.length() + 1));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /**
     * Asks for a notification proving that this node has seen every change committed so far: under the version lock
     * (so no versioned transaction is between taking its version and committing), reads the last version handed out
     * and notifies it as a ping. When the ping comes back, every notification committed before it has been received.
     */
    void ping() {
        tx.executeWithoutResult(status -> {
            jdbc.sql(LOCK_VERSIONS).param("lock", VERSION_LOCK).query().singleValue();
            long last = jdbc.sql(LAST_VERSION).query(Long.class).single();
            jdbc.sql("SELECT pg_notify(:channel, :payload)")
                    .param("channel", CHANNEL)
                    .param("payload", PING_TOPIC + ":" + last)
                    .query()
                    .singleValue();
        });
    }

    /** Where this node reports the versions it has seen (listener) and committed itself (writers). */
    void onVersions(LongConsumer seen, LongConsumer committed) {
        this.seenVersions = seen;
        this.committedVersions = committed;
    }

    void resetAll() {
        for (Subscription s : subscriptions) {
            try {
                s.onReset().run();
            } catch (RuntimeException e) {
                log.warn("reset of a '{}' subscriber failed", s.topic(), e);
            }
        }
    }

    private Connection openListenerConnection() throws SQLException {
        var properties = new Properties();
        if (pool.getUsername() != null) {
            properties.setProperty("user", pool.getUsername());
        }
        if (pool.getPassword() != null) {
            properties.setProperty("password", pool.getPassword());
        }
        properties.setProperty("ApplicationName", "roster-invalidation-listener");
        properties.setProperty("socketTimeout", String.valueOf(PROBE_TIMEOUT_SECONDS));
        properties.setProperty("connectTimeout", String.valueOf(PROBE_TIMEOUT_SECONDS));
        properties.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(pool.getJdbcUrl(), properties);
    }

    private void listenLoop() {
        while (running) {
            try (Connection connection = openListenerConnection()) {
                try (Statement st = connection.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                // Anything committed while we were not listening may be cached here: start from empty caches.
                resetAll();
                connected = true;
                firstListen.countDown();
                // Notifications sent while we were not listening are lost: learn how far we are now.
                ping();
                PGConnection pg = connection.unwrap(PGConnection.class);
                try (Statement probe = connection.createStatement()) {
                    while (running) {
                        PGNotification[] notifications = pg.getNotifications(1_000);
                        if (notifications != null) {
                            for (PGNotification n : notifications) {
                                received(n.getParameter());
                            }
                        }
                        // getNotifications only reads; a dead peer shows when we send something.
                        probe.execute("SELECT 1");
                    }
                }
            } catch (Throwable e) { // nothing may end this thread: a node without it would cache nothing, silently
                if (running) {
                    log.warn("lost the invalidation listener connection; clearing caches and reconnecting", e);
                }
            } finally {
                connected = false;
                resetAll();
            }
            if (running) {
                sleep(RECONNECT_DELAY);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        running = true;
        listener = Thread.ofPlatform()
                .daemon()
                .name("roster-invalidation-listener")
                .start(this::listenLoop);
        try {
            // Serve no request before caches are covered by the listener.
            if (!firstListen.await(10, TimeUnit.SECONDS)) {
                log.warn("invalidation listener not connected after 10 s; caches stay empty until it is");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        running = false;
        if (listener != null) {
            listener.interrupt();
            try {
                listener.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Listen before the web server takes requests, stop after it finished the in-flight ones. */
    @Override
    public int getPhase() {
        return 0;
    }
}
