package dev.roster.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A benchmark's outcome: printed as a table, and kept as {@code bench/results/<scenario>.json}. A scenario without
 * token sizes or targets leaves them empty, and they are left out.
 */
record Report(
        String scenario,
        String date,
        boolean quick,
        String tool,
        int durationS,
        Dataset.Size dataset,
        int sampledUsers,
        List<Row> rows,
        double rssMib,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Integer> tokenPayloadBytes,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Target> targets)
        implements BenchRun.Results {

    /** One endpoint's numbers; {@code serverP99Ms} is null when the server recorded no successful request. */
    record Row(
            String endpoint,
            double rps,
            double p50Ms,
            double p99Ms,
            @Nullable Double serverP99Ms,
            double ratioToTrivial,
            long errors,
            long requests) {

        static Row of(String endpoint, LoadResult load, double serverP99Ms, double trivialRps) {
            return new Row(
                    endpoint,
                    round(load.requestsPerSecond(), 1),
                    round(load.p50Ms(), 3),
                    round(load.p99Ms(), 3),
                    Double.isNaN(serverP99Ms) ? null : round(serverP99Ms, 3),
                    round(load.requestsPerSecond() / trivialRps, 3),
                    load.errors(),
                    load.requests());
        }
    }

    /**
     * A goal for one row and whether this run met it: {@code metric} ({@code server_p99_ms}, {@code successful_rps}
     * or {@code ratio_to_trivial}) {@code at_most} or {@code at_least} {@code bound}. Unmet when there is nothing to judge
     * (no successful request).
     */
    record Target(
            String endpoint,
            String metric,
            String comparison,
            double bound,
            @Nullable Double actual,
            boolean met) {

        /** The row's server-side p99 at most {@code ms}. */
        static Target serverP99AtMost(Row row, double ms) {
            Double actual = row.serverP99Ms();
            return new Target(row.endpoint(), "server_p99_ms", "at_most", ms, actual, actual != null && actual <= ms);
        }

        /** The row's requests per second that succeeded (errors left out) at least {@code rps}. */
        static Target successfulRpsAtLeast(Row row, double rps) {
            double actual =
                    row.requests() == 0 ? 0 : round(row.rps() * (row.requests() - row.errors()) / row.requests(), 1);
            return new Target(row.endpoint(), "successful_rps", "at_least", rps, actual, actual >= rps);
        }

        /** The row's requests per second at least {@code ratio} times those of the trivial endpoint. */
        static Target ratioToTrivialAtLeast(Row row, double ratio) {
            return new Target(
                    row.endpoint(),
                    "ratio_to_trivial",
                    "at_least",
                    ratio,
                    row.ratioToTrivial(),
                    row.ratioToTrivial() >= ratio);
        }

        /** E.g. {@code server p99 <= 5 ms}. */
        String describe() {
            String comparing = comparison.equals("at_most") ? "<=" : ">=";
            return switch (metric) {
                case "server_p99_ms" -> String.format(Locale.ROOT, "server p99 %s %,.0f ms", comparing, bound);
                case "ratio_to_trivial" -> String.format(Locale.ROOT, "ratio to trivial %s %.2f", comparing, bound);
                default -> String.format(Locale.ROOT, "successful requests/s %s %,.0f", comparing, bound);
            };
        }

        /** What this run measured, in the metric's unit. */
        String describeActual() {
            if (actual == null) {
                return "n/a";
            }
            return switch (metric) {
                case "server_p99_ms" -> String.format(Locale.ROOT, "%.3f ms", actual);
                case "ratio_to_trivial" -> String.format(Locale.ROOT, "%.3f", actual);
                default -> String.format(Locale.ROOT, "%,.1f/s", actual);
            };
        }
    }

    /** Snake case, indented: the style of every results file. */
    static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    static String now() {
        return OffsetDateTime.now(ZoneOffset.UTC)
                .truncatedTo(ChronoUnit.SECONDS)
                .toString();
    }

    @Override
    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "%nRoster benchmark '%s', %s%n", scenario, date);
        out.printf(
                Locale.ROOT,
                "dataset: %,d users, %,d tenants, %,d memberships%s; %,d users signed in%n",
                dataset.users(),
                dataset.tenants(),
                dataset.memberships(),
                dataset.largeTenantMembers() > 0
                        ? String.format(Locale.ROOT, ", and a tenant of %,d members", dataset.largeTenantMembers())
                        : "",
                sampledUsers);
        out.printf(Locale.ROOT, "load: %s, %d s per endpoint%n%n", tool, durationS);
        printRows(out, rows);
        int width = rows.stream().mapToInt(r -> r.endpoint().length()).max().orElse(8);
        if (!targets.isEmpty()) {
            out.printf(Locale.ROOT, "%ntargets:%n");
            int describedWidth =
                    targets.stream().mapToInt(t -> t.describe().length()).max().orElse(8);
            for (Target target : targets) {
                out.printf(
                        Locale.ROOT,
                        "  %-" + width + "s  %-" + describedWidth + "s  %12s  %s%n",
                        target.endpoint(),
                        target.describe(),
                        target.describeActual(),
                        target.met() ? "met" : "NOT met");
            }
        }
        out.printf(Locale.ROOT, "%nserver resident memory after the load: %.1f MiB%n", rssMib);
        tokenPayloadBytes.forEach((memberships, bytes) -> out.printf(
                Locale.ROOT, "access token payload, user with %s membership(s): %d bytes%n", memberships, bytes));
    }

    /** The rows as a table: endpoint, requests/s, client p50 and p99, server p99, ratio to trivial, errors. */
    static void printRows(PrintStream out, List<Row> rows) {
        int width = rows.stream().mapToInt(r -> r.endpoint().length()).max().orElse(8);
        String format = "%-" + width + "s  %11s  %13s  %13s  %13s  %16s  %7s%n";
        out.printf(
                Locale.ROOT,
                format,
                "endpoint",
                "requests/s",
                "client p50 ms",
                "client p99 ms",
                "server p99 ms",
                "ratio to trivial",
                "errors");
        for (Row row : rows) {
            out.printf(
                    Locale.ROOT,
                    format,
                    row.endpoint(),
                    String.format(Locale.ROOT, "%,.1f", row.rps()),
                    String.format(Locale.ROOT, "%.3f", row.p50Ms()),
                    String.format(Locale.ROOT, "%.3f", row.p99Ms()),
                    row.serverP99Ms() == null ? "n/a" : String.format(Locale.ROOT, "%.3f", row.serverP99Ms()),
                    String.format(Locale.ROOT, "%.3f", row.ratioToTrivial()),
                    row.errors());
        }
    }

    @Override
    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, JSON.writeValueAsString(this) + "\n");
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
