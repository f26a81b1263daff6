package dev.roster.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Roster as a child process, as in production: {@code java -Xmx1g -jar target/roster.jar} with its own home
 * (embedded PostgreSQL included), the demo identity provider in open-directory mode and plain-text logs in
 * {@code <home>/server.log}. Closing it sends SIGTERM (Roster stops its PostgreSQL itself) and waits.
 */
final class RosterServer implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(45);

    private final Process process;
    private final Path home;
    private final Path log;
    private final String baseUrl;
    private final String managementUrl;

    private RosterServer(Process process, Path home, Path log, int port, int managementPort) {
        this.process = process;
        this.home = home;
        this.log = log;
        this.baseUrl = "http://127.0.0.1:" + port;
        this.managementUrl = "http://127.0.0.1:" + managementPort;
    }

    /**
     * Starts Roster on {@code port} with {@code home} as its data directory and {@code settings} (environment
     * variables, e.g. {@code ROSTER_SYNC_BUDGET_RATE}) on top of the benchmark's own, and waits until it is ready.
     */
    static RosterServer start(Path jar, Path home, int port, Map<String, String> settings)
            throws IOException, InterruptedException {
        Files.createDirectories(home);
        Path log = home.resolve("server.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        // The JVM options ./roster start uses: its defaults (jvm*.options), then ROSTER_JAVA_OPTS.
        var command =
                new ArrayList<String>(List.of(java, "@" + Path.of("jvm.options").toAbsolutePath()));
        if (Runtime.version().feature() >= 25) { // bench/run starts this JVM with the server's java
            command.add("@" + Path.of("jvm.jdk25.options").toAbsolutePath());
        }
        String extra = System.getenv("ROSTER_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        var env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("ROSTER_"));
        env.put("ROSTER_HOME", home.toAbsolutePath().toString());
        env.put("ROSTER_PORT", Integer.toString(port));
        // Metrics live on the management port; never the fixed default, which another node may hold.
        int managementPort = freePort(0);
        env.put("ROSTER_MANAGEMENT_PORT", Integer.toString(managementPort));
        env.put("ROSTER_DEMO_OPEN_DIRECTORY", "true");
        env.put("ROSTER_LOG_FORMAT", "");
        env.putIfAbsent("MALLOC_ARENA_MAX", "2"); // as ./roster start
        env.putAll(settings);
        var server = new RosterServer(builder.start(), home, log, port, managementPort);
        Files.writeString(home.resolve("server.pid"), Long.toString(server.pid()));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close)); // Ctrl-C stops Roster too
        server.awaitReady();
        return server;
    }

    /**
     * A second node of {@code first}'s cluster, on any free port: its own home ({@code <home>/node-2}: log, pid), the
     * first one's database, and what every node of a cluster shares: the public URL (so the same issuer and
     * provider) and the key-encryption key; {@code settings} as the first one's.
     */
    static RosterServer startBeside(Path jar, Path home, RosterServer first, Map<String, String> settings)
            throws IOException, InterruptedException {
        var cluster = new java.util.HashMap<>(settings);
        cluster.put("ROSTER_DB_URL", "jdbc:postgresql://127.0.0.1:" + first.postgresPort() + "/postgres");
        cluster.put("ROSTER_DB_USER", "postgres");
        cluster.put("ROSTER_DEV_MODE", "true");
        cluster.put("ROSTER_PUBLIC_URL", first.baseUrl());
        cluster.put(
                "ROSTER_KEYS_ENCRYPTION_KEY",
                Files.readString(home.resolve("key-encryption.key")).trim());
        int port = freePort(0);
        BenchRun.step("starting a second node on port %d, on the first one's database", port);
        return start(jar, home.resolve("node-2"), port, cluster);
    }

    /** {@code preferred} when nothing listens there, else any free port. */
    static int freePort(int preferred) throws IOException {
        try (var socket = new ServerSocket(preferred, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException taken) {
            try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }
    }

    String baseUrl() {
        return baseUrl;
    }

    /** Where {@code /actuator/*} (metrics, Prometheus) answers: the management port, loopback in dev mode. */
    String managementUrl() {
        return managementUrl;
    }

    long pid() {
        return process.pid();
    }

    /** The port of the embedded PostgreSQL: line 4 of its {@code postmaster.pid}. */
    int postgresPort() throws IOException {
        List<String> lines = Files.readAllLines(home.resolve("postgres/postmaster.pid"));
        return Integer.parseInt(lines.get(3).trim());
    }

    /** Resident memory of the server process (VmRSS), in MiB. */
    double residentMib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid() + "/status");
    }

    /**
     * Where the server's memory goes now: {@code jcmd GC.heap_info} and, when the server runs with
     * {@code -XX:NativeMemoryTracking=summary} (in ROSTER_JAVA_OPTS), {@code VM.native_memory summary}, written to
     * {@code memory-after-load.txt} in the server's home.
     */
    Path writeMemoryReport() throws IOException, InterruptedException {
        Path report = home.resolve("memory-after-load.txt");
        String jcmd = Path.of(ProcessHandle.current().info().command().orElse("java"))
                .resolveSibling("jcmd")
                .toString();
        var out = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS") || line.startsWith("Rss") || line.startsWith("Threads")) {
                out.append(line).append('\n');
            }
        }
        for (String command : List.of("GC.heap_info", "VM.native_memory summary")) {
            var args = new ArrayList<>(List.of(jcmd, Long.toString(pid())));
            args.addAll(List.of(command.split(" ")));
            Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
            out.append("\n$ jcmd ").append(command).append('\n');
            out.append(new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            p.waitFor(30, TimeUnit.SECONDS);
        }
        Files.writeString(report, out);
        return report;
    }

    private void awaitReady() throws InterruptedException, IOException {
        var readiness = HttpRequest.newBuilder(URI.create(baseUrl + "/readyz"))
                .timeout(Duration.ofSeconds(5))
                .build();
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        try (var http = HttpClient.newHttpClient()) {
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Roster exited with " + process.exitValue() + "; see " + log);
                }
                try {
                    if (http.send(readiness, HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200) {
                        return;
                    }
                } catch (ConnectException notListeningYet) {
                    // keep waiting
                }
                Thread.sleep(250);
            }
        }
        close();
        throw new IllegalStateException("Roster was not ready after " + STARTUP_TIMEOUT + "; see " + log);
    }

    /** SIGTERM, then up to 45 s for a graceful stop (SIGKILL after that). Safe to call more than once. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(SHUTDOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(home.resolve("server.pid"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
