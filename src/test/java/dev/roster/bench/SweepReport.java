package dev.roster.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The outcome of {@code ./roster bench sweep}: for each cluster size, how long the sweep of N stale users took next
 * to N / rate (the rate budget's bound), and how many requests the upstream received. Kept as
 * {@code bench/results/sweep.json}.
 */
record SweepReport(String scenario, String date, boolean quick, int users, int rate, String checkEvery, List<Run> runs)
        implements BenchRun.Results {

    /**
     * One sweep. {@code untilNoneStaleS}: from the release until the benchmark saw no stale user (polled every half
     * second; null: it gave up); {@code sweepStartDelayS} and {@code sweepS}: when the sweep started after the
     * release and how long it ran, on the database's clock (null: it had not finished); {@code usersPerSecond}: users
     * over the sweep's run; {@code vsBudget}: the sweep's run over N / rate; {@code upstreamFetches}: {@code GET
     * /users/{id}} the directory received, all nodes together and by the node whose simulator received them (every
     * node pulls from the first node's, the cluster's public URL); {@code sweepSyncs}: the sweep's syncs by outcome,
     * all nodes, and their number by node that made them; {@code sweptBy}: the node that held the sweep's lease; {@code staleAfter}: stale users Roster
     * reported at the end; {@code lastSweep}: the sweep's own report ({@code GET /v1/sync/status}).
     */
    record Run(
            int nodes,
            int users,
            int rate,
            double budgetS,
            @Nullable Double untilNoneStaleS,
            @Nullable Double sweepStartDelayS,
            @Nullable Double sweepS,
            @Nullable Double usersPerSecond,
            @Nullable Double vsBudget,
            long upstreamFetches,
            List<Long> upstreamFetchesByNode,
            double fetchesPerUser,
            Map<String, Long> sweepSyncs,
            List<Long> sweepSyncsByNode,
            @Nullable Integer sweptBy,
            long staleAfter,
            JsonNode lastSweep) {

        static Run of(
                int nodes,
                int users,
                int rate,
                @Nullable Double untilNoneStale,
                StaleUsers.@Nullable SweepTimes times,
                long fetches,
                List<Long> fetchesByNode,
                Map<String, Long> sweepSyncs,
                List<Long> sweepSyncsByNode,
                @Nullable Integer sweptBy,
                long staleAfter,
                JsonNode lastSweep) {
            double budget = (double) users / rate;
            return new Run(
                    nodes,
                    users,
                    rate,
                    Report.round(budget, 1),
                    untilNoneStale == null ? null : Report.round(untilNoneStale, 1),
                    times == null ? null : Report.round(times.startDelaySeconds(), 1),
                    times == null ? null : Report.round(times.seconds(), 1),
                    times == null ? null : Report.round(users / times.seconds(), 1),
                    times == null ? null : Report.round(times.seconds() / budget, 3),
                    fetches,
                    List.copyOf(fetchesByNode),
                    Report.round((double) fetches / users, 3),
                    Map.copyOf(sweepSyncs),
                    List.copyOf(sweepSyncsByNode),
                    sweptBy,
                    staleAfter,
                    lastSweep);
        }
    }

    @Override
    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "%nRoster benchmark '%s', %s%n", scenario, date);
        out.printf(
                Locale.ROOT,
                "%,d stale users, rate budget %,d/s (cluster-wide), sweep checks every %s%n%n",
                users,
                rate,
                checkEvery);
        String format = "%5s  %9s  %15s  %9s  %13s  %9s  %10s  %14s  %8s  %17s  %s%n";
        out.printf(
                Locale.ROOT,
                format,
                "nodes",
                "N/rate s",
                "none stale at s",
                "sweep s",
                "sweep users/s",
                "vs N/rate",
                "fetches",
                "fetches / user",
                "swept by",
                "syncs by node",
                "sweep syncs");
        for (Run run : runs) {
            out.printf(
                    Locale.ROOT,
                    format,
                    run.nodes(),
                    String.format(Locale.ROOT, "%.1f", run.budgetS()),
                    run.untilNoneStaleS() == null
                            ? "gave up"
                            : String.format(Locale.ROOT, "%.1f", run.untilNoneStaleS()),
                    number(run.sweepS(), "%.1f"),
                    number(run.usersPerSecond(), "%,.1f"),
                    number(run.vsBudget(), "%.3f"),
                    String.format(Locale.ROOT, "%,d", run.upstreamFetches()),
                    String.format(Locale.ROOT, "%.3f", run.fetchesPerUser()),
                    run.sweptBy() == null ? "?" : "node " + run.sweptBy(),
                    run.sweepSyncsByNode().stream()
                            .map(n -> String.format(Locale.ROOT, "%,d", n))
                            .toList(),
                    run.sweepSyncs());
        }
        out.printf(
                Locale.ROOT,
                "%n(none stale at: from the release, polled; sweep: the sweep's run on the database's clock,"
                        + " from its start up to %s after the release; vs N/rate: sweep over users / rate;"
                        + " fetches: every node's directory simulator)%n",
                checkEvery);
    }

    @Override
    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, Report.JSON.writeValueAsString(this) + "\n");
    }

    private static String number(@Nullable Double value, String format) {
        return value == null ? "n/a" : String.format(Locale.ROOT, format, value);
    }
}
