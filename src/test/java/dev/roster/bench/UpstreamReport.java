package dev.roster.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@code ./roster bench me --upstream-delay N | --upstream-down}: the rows of {@code me} once per
 * phase (a healthy upstream first, then each degraded one), each phase's rows against its own trivial endpoint, and
 * each degraded row against the same row with a healthy upstream. Kept as {@code bench/results/me-upstream.json}.
 */
record UpstreamReport(
        String scenario,
        String date,
        boolean quick,
        String tool,
        int durationS,
        Dataset.Size dataset,
        int sampledUsers,
        String rolesTtl,
        Map<String, Integer> primingSyncs,
        List<Phase> phases,
        List<Comparison> comparison,
        double rssMib)
        implements BenchRun.Results {

    /**
     * One phase: the directory's faults, the rows (as in {@code me.json}), what the directory API received meanwhile
     * (warm-ups included), and the background syncs refreshes scheduled, by outcome, and dropped (a full queue).
     */
    record Phase(
            String name,
            Upstream.Faults faults,
            List<Report.Row> rows,
            Upstream.Requests upstreamRequests,
            Map<String, Long> refreshSyncs,
            long refreshSyncsDropped) {}

    /**
     * One endpoint in a degraded phase next to the healthy one: both ratios to the trivial endpoint, requests/s as a
     * share of the healthy ones, and both server p99s.
     */
    record Comparison(
            String endpoint,
            String phase,
            double healthyRatioToTrivial,
            double ratioToTrivial,
            double rpsVsHealthy,
            @Nullable Double healthyServerP99Ms,
            @Nullable Double serverP99Ms) {}

    /** The comparison of every degraded phase's rows with the first (healthy) phase's, row by row. */
    static List<Comparison> compare(List<Phase> phases) {
        var comparisons = new ArrayList<Comparison>();
        List<Report.Row> healthy = phases.getFirst().rows();
        for (Phase phase : phases.subList(1, phases.size())) {
            for (int i = 0; i < phase.rows().size(); i++) {
                Report.Row before = healthy.get(i);
                Report.Row row = phase.rows().get(i);
                comparisons.add(new Comparison(
                        row.endpoint(),
                        phase.name(),
                        before.ratioToTrivial(),
                        row.ratioToTrivial(),
                        before.rps() == 0 ? 0 : Report.round(row.rps() / before.rps(), 3),
                        before.serverP99Ms(),
                        row.serverP99Ms()));
            }
        }
        return comparisons;
    }

    @Override
    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "%nRoster benchmark '%s', %s%n", scenario, date);
        out.printf(
                Locale.ROOT,
                "dataset: %,d users, %,d tenants, %,d memberships; %,d users signed in%n",
                dataset.users(),
                dataset.tenants(),
                dataset.memberships(),
                sampledUsers);
        out.printf(
                Locale.ROOT,
                "load: %s, %d s per endpoint; ROSTER_SYNC_ROLES_TTL=%s (a refresh schedules a background sync),"
                        + " sweep off%n",
                tool,
                durationS,
                rolesTtl);
        out.printf(Locale.ROOT, "sampled users synced before the load (force): %s%n", primingSyncs);
        for (Phase phase : phases) {
            out.printf(Locale.ROOT, "%nupstream %s%n", phase.name());
            Report.printRows(out, phase.rows());
            out.printf(
                    Locale.ROOT,
                    "directory API requests: %,d fetches, %,d sign-in lookups (me); background syncs of refreshes:"
                            + " %s, %,d dropped (queue full)%n",
                    phase.upstreamRequests().fetch(),
                    phase.upstreamRequests().me(),
                    phase.refreshSyncs(),
                    phase.refreshSyncsDropped());
        }
        out.printf(Locale.ROOT, "%ndegraded upstream against healthy upstream%n");
        int width =
                comparison.stream().mapToInt(c -> c.endpoint().length()).max().orElse(8);
        int phaseWidth =
                comparison.stream().mapToInt(c -> c.phase().length()).max().orElse(8);
        String format = "%-" + width + "s  %-" + phaseWidth + "s  %14s  %15s  %17s  %14s  %15s%n";
        out.printf(
                Locale.ROOT,
                format,
                "endpoint",
                "upstream",
                "ratio, healthy",
                "ratio, degraded",
                "req/s vs healthy",
                "p99 ms, healthy",
                "p99 ms, degraded");
        for (Comparison c : comparison) {
            out.printf(
                    Locale.ROOT,
                    format,
                    c.endpoint(),
                    c.phase(),
                    String.format(Locale.ROOT, "%.3f", c.healthyRatioToTrivial()),
                    String.format(Locale.ROOT, "%.3f", c.ratioToTrivial()),
                    String.format(Locale.ROOT, "%.3f", c.rpsVsHealthy()),
                    ms(c.healthyServerP99Ms()),
                    ms(c.serverP99Ms()));
        }
        out.printf(
                Locale.ROOT, "(ratio: requests/s over the trivial endpoint's in the same phase; p99: server side)%n");
        out.printf(Locale.ROOT, "%nserver resident memory after the load: %.1f MiB%n", rssMib);
    }

    @Override
    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, Report.JSON.writeValueAsString(this) + "\n");
    }

    private static String ms(@Nullable Double value) {
        return value == null ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
    }
}
