package dev.roster.platform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL that Roster starts for itself when no {@code ROSTER_DB_URL} is configured: zonky's binaries, data
 * kept in {@code <home>/postgres} across restarts.
 *
 * <p>IMPORTANT: when a live PostgreSQL already owns that data directory (another Roster process on the same home, or
 * one left behind by a killed JVM), this attaches to it on the port recorded in {@code postmaster.pid} instead of
 * starting a second server, and leaves it running on close.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final @Nullable EmbeddedPostgres postgres;
    private final int port;

    private EmbeddedDatabase(@Nullable EmbeddedPostgres postgres, int port) {
        this.postgres = postgres;
        this.port = port;
    }

    public static EmbeddedDatabase startOrAttach(Path home, int preferredPort) {
        Path dataDir = home.resolve("postgres").toAbsolutePath();
        Integer runningPort = livePostmasterPort(dataDir);
        if (runningPort != null) {
            log.info("attaching to the embedded PostgreSQL already running on {} (port {})", dataDir, runningPort);
            return new EmbeddedDatabase(null, runningPort);
        }
        try {
            Files.createDirectories(dataDir);
            var builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    // Stopped by close() when the Spring context closes, after in-flight requests finished; zonky's
                    // own shutdown hook would race that graceful shutdown.
                    .setRegisterShutdownHook(false)
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("shared_buffers", "128MB")
                    // zonky's defaults favour throwaway test databases (-F, synchronous_commit=off); this one keeps
                    // real data, so a commit is durable when Roster answers.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("listen_addresses", "127.0.0.1");
            if (preferredPort > 0) {
                builder.setPort(preferredPort);
            }
            EmbeddedPostgres pg = builder.start();
            log.info("embedded PostgreSQL started in {} on port {}", dataDir, pg.getPort());
            return new EmbeddedDatabase(pg, pg.getPort());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dataDir, e);
        }
    }

    /** Port of a PostgreSQL whose postmaster still runs on this data directory, or null. */
    private static @Nullable Integer livePostmasterPort(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isReadable(pidFile)) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.size() < 4) {
                return null;
            }
            long pid = Long.parseLong(lines.get(0).trim());
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return alive ? Integer.valueOf(lines.get(3).trim()) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws IOException {
        if (postgres != null) {
            postgres.close();
            log.info("embedded PostgreSQL stopped");
        }
    }
}
