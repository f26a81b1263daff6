package dev.roster.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.roster.support.FreezableTcpRelay;
import dev.roster.support.IntegrationTest;
import dev.roster.support.TestInfrastructure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

class InvalidationTests extends IntegrationTest {

    @Autowired
    InvalidationBus bus;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    Versions versions;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void table() {
        jdbc.sql("CREATE TABLE IF NOT EXISTS cache_probe (k text PRIMARY KEY, v text NOT NULL)")
                .update();
        jdbc.sql("TRUNCATE cache_probe").update();
        jdbc.sql("INSERT INTO cache_probe VALUES ('k', 'old')").update();
    }

    private String read(String key) {
        return jdbc.sql("SELECT v FROM cache_probe WHERE k = :k")
                .param("k", key)
                .query(String.class)
                .single();
    }

    /** The entries cache {@code name} holds, as its {@code cache.size} gauge reports them to operators. */
    private double size(String name) {
        return meters.get("cache.size").tag("cache", name).gauge().value();
    }

    private void writeAndPublish(String topic, String value) {
        tx.executeWithoutResult(status -> {
            jdbc.sql("UPDATE cache_probe SET v = :v WHERE k = 'k'")
                    .param("v", value)
                    .update();
            bus.publish(topic, "k");
        });
    }

    @Test
    void anInvalidationRacingALoadLeavesNoStaleEntry() throws Exception {
        ExactCache<String, String> cache = ExactCache.create("race", 10, bus, "race", k -> k, meters);
        var loaded = new CountDownLatch(1);
        var proceed = new CountDownLatch(1);

        // A load reads the old row and is held before it can store it...
        CompletableFuture<String> slowLoad = CompletableFuture.supplyAsync(() -> cache.get("k", key -> {
            String value = read(key);
            loaded.countDown();
            awaitLatch(proceed);
            return value;
        }));
        assertThat(loaded.await(5, TimeUnit.SECONDS)).isTrue();
        // ...while a writer commits a new value and invalidates (this node evicts synchronously after commit).
        writeAndPublish("race", "new");
        proceed.countDown();

        assertThat(slowLoad.get(5, TimeUnit.SECONDS)).isEqualTo("old");
        var loads = new AtomicInteger();
        assertThat(cache.get("k", key -> {
                    loads.incrementAndGet();
                    return read(key);
                }))
                .isEqualTo("new");
        assertThat(loads).hasValue(1);
    }

    @Test
    void aCommittedChangeEvictsOnThisNodeBeforePublishReturnsToTheCaller() {
        ExactCache<String, String> cache = ExactCache.create("ryw", 10, bus, "ryw", k -> k, meters);
        assertThat(cache.get("k", this::read)).isEqualTo("old");

        writeAndPublish("ryw", "new");

        assertThat(cache.get("k", this::read)).isEqualTo("new");
    }

    @Test
    void aCacheOfSizeZeroLoadsEveryTime() {
        ExactCache<String, String> cache = ExactCache.create("off", 0, bus, "off", k -> k, meters);
        var loads = new java.util.concurrent.atomic.AtomicInteger();

        for (int i = 0; i < 3; i++) {
            assertThat(cache.get("k", key -> {
                        loads.incrementAndGet();
                        return read(key);
                    }))
                    .isEqualTo("old");
        }

        assertThat(loads).hasValue(3);
    }

    @Test
    void aRolledBackChangeInvalidatesNothing() {
        ExactCache<String, String> cache = ExactCache.create("rollback", 10, bus, "rollback", k -> k, meters);
        assertThat(cache.get("k", this::read)).isEqualTo("old");

        tx.executeWithoutResult(status -> {
            bus.publish("rollback", "k");
            status.setRollbackOnly();
        });
        // A committed change after it: once the listener has received that one, it would have received the rolled
        // back one before it (notifications arrive in commit order), had it been sent.
        long later = tx.execute(status -> {
            bus.publish("rollback", "another-key");
            return bus.version();
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> versions.seen() >= later);

        assertThat(size("rollback")).isEqualTo(1);
    }

    @Test
    void aChangeCommittedByAnotherConnectionArrivesThroughNotify() {
        ExactCache<String, String> cache = ExactCache.create("remote", 10, bus, "remote", k -> k, meters);
        assertThat(cache.get("k", this::read)).isEqualTo("old");
        assertThat(size("remote")).isEqualTo(1);

        // Another node: its own connection, its own transaction, only NOTIFY reaches us.
        jdbc.sql("UPDATE cache_probe SET v = 'new'").update();
        jdbc.sql("SELECT pg_notify('roster_invalidation', 'remote:k')").query().singleValue();

        await().atMost(Duration.ofSeconds(5)).until(() -> size("remote") == 0);
        assertThat(cache.get("k", this::read)).isEqualTo("new");
    }

    @Test
    void losingTheListenerConnectionClearsTheCachesAndListeningResumes() {
        ExactCache<String, String> cache = ExactCache.create("lost", 10, bus, "lost", k -> k, meters);
        assertThat(cache.get("k", this::read)).isEqualTo("old");
        assertThat(size("lost")).isEqualTo(1);

        // PostgreSQL ends the listener's backend, as a failover or an administrator would. The bus names that
        // connection 'roster-invalidation-listener': this ends every node's listener on the server, here only this
        // context's bus (the relay node of the other test stops when that test ends); any other recovers alike.
        assertThat(jdbc.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                + " WHERE application_name = 'roster-invalidation-listener'")
                        .query(Boolean.class)
                        .list())
                .contains(true);

        await().atMost(Duration.ofSeconds(5)).until(() -> size("lost") == 0);
        await().atMost(Duration.ofSeconds(10)).until(bus::isConnected);
        assertThat(cache.get("k", this::read)).isEqualTo("old");
        assertThat(size("lost")).isEqualTo(1);
        jdbc.sql("UPDATE cache_probe SET v = 'new'").update();
        jdbc.sql("SELECT pg_notify('roster_invalidation', 'lost:k')").query().singleValue();
        await().atMost(Duration.ofSeconds(5)).until(() -> size("lost") == 0);
    }

    @Test
    void aSilentlyDeadListenerConnectionIsDetectedAndCachesAreDropped() throws Exception {
        try (var relay = new FreezableTcpRelay(TestInfrastructure.postgres().getPort());
                var pool = new HikariDataSource()) {
            pool.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + relay.port() + "/postgres");
            pool.setUsername("postgres");
            var remoteNode = new InvalidationBus(pool, jdbc, tx);
            var resets = new AtomicInteger();
            var keys = new java.util.concurrent.CopyOnWriteArrayList<String>();
            remoteNode.subscribe("dead", keys::add, resets::incrementAndGet);
            remoteNode.start();
            try {
                jdbc.sql("SELECT pg_notify('roster_invalidation', 'dead:before')")
                        .query()
                        .singleValue();
                await().atMost(Duration.ofSeconds(5)).until(() -> keys.contains("before"));
                int resetsBefore = resets.get();

                relay.freezeOpenConnections();
                jdbc.sql("SELECT pg_notify('roster_invalidation', 'dead:lost')")
                        .query()
                        .singleValue();

                // The notification is lost, but the node notices within seconds and drops what it cached...
                await().atMost(Duration.ofSeconds(20)).until(() -> resets.get() > resetsBefore);
                assertThat(keys).doesNotContain("lost");
                // ...and listens again on a fresh connection.
                await().atMost(Duration.ofSeconds(20)).until(remoteNode::isConnected);
                jdbc.sql("SELECT pg_notify('roster_invalidation', 'dead:after')")
                        .query()
                        .singleValue();
                await().atMost(Duration.ofSeconds(5)).until(() -> keys.contains("after"));
            } finally {
                remoteNode.stop();
            }
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
