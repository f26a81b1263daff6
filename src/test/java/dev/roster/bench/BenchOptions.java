package dev.roster.bench;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * The command line of a benchmark: dataset size, how long and how hard to load, and with which tool; for {@code me},
 * the upstream's faults to compare with a healthy upstream ({@code upstreamDelayMs} 0: no delayed phase); for
 * {@code sweep}, the cluster's rate budget and the number of nodes (0: not given, each scenario's default).
 */
record BenchOptions(
        boolean quick,
        int users,
        int tenants,
        int memberships,
        Duration duration,
        Duration warmup,
        int sample,
        int connections,
        Tool tool,
        int port,
        int upstreamDelayMs,
        int upstreamErrorPercent,
        boolean upstreamDown,
        int rate,
        int nodes) {

    enum Tool {
        WRK,
        JAVA
    }

    static final int DEFAULT_PORT = 18080;
    /** The directory simulator's longest delay ({@code latency_ms}). */
    static final int MAX_UPSTREAM_DELAY_MS = 60_000;

    static BenchOptions parse(String[] args, boolean wrkInstalled) {
        Deque<String> rest = new ArrayDeque<>(Arrays.asList(args));
        boolean quick = rest.remove("--quick");
        boolean upstreamDown = rest.remove("--upstream-down");
        int users = quick ? 10_000 : 100_000;
        int tenants = quick ? 1_000 : 10_000;
        int memberships = quick ? 50_000 : 500_000;
        int durationSeconds = quick ? 10 : 30;
        int warmupSeconds = 5;
        int sample = quick ? 500 : 2_000;
        int connections = 16;
        Tool tool = wrkInstalled ? Tool.WRK : Tool.JAVA;
        int port = DEFAULT_PORT;
        int upstreamDelayMs = 0;
        int upstreamErrorPercent = 0;
        int rate = 0;
        int nodes = 0;
        while (!rest.isEmpty()) {
            String flag = rest.removeFirst();
            switch (flag) {
                case "--users" -> users = positive(flag, rest);
                case "--tenants" -> tenants = positive(flag, rest);
                case "--memberships" -> memberships = positive(flag, rest);
                case "--duration" -> durationSeconds = positive(flag, rest);
                case "--warmup" -> warmupSeconds = positive(flag, rest);
                case "--sample" -> sample = positive(flag, rest);
                case "--connections" -> connections = positive(flag, rest);
                case "--port" -> port = positive(flag, rest);
                case "--tool" -> tool = tool(value(flag, rest), wrkInstalled);
                case "--upstream-delay" -> upstreamDelayMs = positive(flag, rest);
                case "--upstream-errors" -> upstreamErrorPercent = positive(flag, rest);
                case "--rate" -> rate = positive(flag, rest);
                case "--nodes" -> nodes = positive(flag, rest);
                default -> throw new IllegalArgumentException("unknown option " + flag + " (see --help)");
            }
        }
        if (nodes > 2) {
            throw new IllegalArgumentException("--nodes must be 1 or 2, not " + nodes);
        }
        if (upstreamDelayMs > MAX_UPSTREAM_DELAY_MS) {
            throw new IllegalArgumentException(
                    "--upstream-delay is at most " + MAX_UPSTREAM_DELAY_MS + " ms (the simulator's limit)");
        }
        if (upstreamErrorPercent > 100) {
            throw new IllegalArgumentException("--upstream-errors is a percentage: at most 100");
        }
        int perUser = (memberships + users - 1) / users;
        if (perUser > tenants) {
            throw new IllegalArgumentException(
                    memberships + " memberships over " + users + " users need at least " + perUser + " tenants");
        }
        return new BenchOptions(
                quick,
                users,
                tenants,
                memberships,
                Duration.ofSeconds(durationSeconds),
                Duration.ofSeconds(warmupSeconds),
                sample,
                connections,
                tool,
                port,
                upstreamDelayMs,
                upstreamErrorPercent,
                upstreamDown,
                rate,
                nodes);
    }

    /** Refuses a sample the load runs cannot use: too few users per connection, or more than the dataset holds. */
    void checkSample() {
        if (sample < 4 * connections) {
            throw new IllegalArgumentException("--sample must be at least 4 x --connections (" + 4 * connections
                    + "): each connection needs several signed-in users of its own (refresh, read after assign)");
        }
        if (sample > users) {
            throw new IllegalArgumentException("--sample " + sample + " is larger than --users " + users);
        }
    }

    /** Whether {@code me} compares a healthy upstream with a delayed or a down one. */
    boolean degradesUpstream() {
        return upstreamDelayMs > 0 || upstreamErrorPercent > 0 || upstreamDown;
    }

    /**
     * The data directory of {@code scenario} at this dataset size: one Roster home per scenario and size, so that
     * neither regenerates the other's data.
     */
    String workDirName(String scenario) {
        return scenario + "-" + users + "u-" + tenants + "t-" + memberships + "m";
    }

    private static Tool tool(String name, boolean wrkInstalled) {
        return switch (name) {
            case "java" -> Tool.JAVA;
            case "wrk" -> {
                if (!wrkInstalled) {
                    throw new IllegalArgumentException("--tool wrk: wrk is not installed");
                }
                yield Tool.WRK;
            }
            default -> throw new IllegalArgumentException("--tool must be wrk or java, not " + name);
        };
    }

    private static int positive(String flag, Deque<String> rest) {
        String value = value(flag, rest);
        try {
            int n = Integer.parseInt(value.replace("_", ""));
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " needs a positive number, not " + value);
    }

    private static String value(String flag, Deque<String> rest) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return rest.removeFirst();
    }
}
