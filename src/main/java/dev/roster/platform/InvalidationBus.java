package dev.roster.platform;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

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
 * <p>A notification's payload is {@code topic:key}, e.g. {@code session:6f1c…}.
 */
@Component
public class InvalidationBus implements SmartLifecycle {

    static final String CHANNEL = "roster_invalidation";
    private static final Logger log = LoggerFactory.getLogger(InvalidationBus.class);
    private static final Duration RECONNECT_DELAY = Duration.ofMillis(500);

    private static final int PROBE_TIMEOUT_SECONDS = 5;

    private final HikariDataSource pool;
    private final JdbcClient jdbc;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstListen = new CountDownLatch(1);
    private volatile boolean running;
    private volatile boolean connected;
    private Thread listener;

    public InvalidationBus(HikariDataSource pool, JdbcClient jdbc) {
        this.pool = pool;
        this.jdbc = jdbc;
    }

    private record Subscription(String topic, Consumer<String> onKey, Runnable onReset) {}

    /** Calls {@code onKey} for every notification on {@code topic}, {@code onReset} when notifications may be lost. */
    public void subscribe(String topic, Consumer<String> onKey, Runnable onReset) {
        subscriptions.add(new Subscription(topic, onKey, onReset));
    }

    /** Announces that {@code key} of {@code topic} changed: to all nodes on commit, to this one right after it. */
    public void publish(String topic, String key) {
        String payload = topic + ":" + key;
        jdbc.sql("SELECT pg_notify(:channel, :payload)")
                .param("channel", CHANNEL)
                .param("payload", payload)
                .query()
                .singleValue();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    dispatch(payload);
                }
            });
        } else {
            dispatch(payload);
        }
    }

    /** True while this node listens; a node that is not listening serves no cached entry older than the outage. */
    public boolean isConnected() {
        return connected;
    }

    void dispatch(String payload) {
        int colon = payload.indexOf(':');
        if (colon < 0) {
            return;
        }
        String topic = payload.substring(0, colon);
        String key = payload.substring(colon + 1);
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
                PGConnection pg = connection.unwrap(PGConnection.class);
                try (Statement probe = connection.createStatement()) {
                    while (running) {
                        PGNotification[] notifications = pg.getNotifications(1_000);
                        if (notifications != null) {
                            for (PGNotification n : notifications) {
                                dispatch(n.getParameter());
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
