package dev.roster.bench;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code outbox} scenario's outcome: the report of every scenario (its rows: the trivial endpoint, the
 * assignments without and with the outbox, the paced changes' delivery latency, the drains), plus the events drained
 * per second by node count, the backlog's size and the paced rate. Kept as {@code bench/results/outbox.json}, the
 * report's fields at the top level.
 */
record OutboxReport(
        @JsonUnwrapped Report report, Map<String, Double> drainEventsPerS, int backlog, int changesPerSecond)
        implements BenchRun.Results {

    @Override
    public void print(PrintStream out) {
        report.print(out);
        out.printf(
                Locale.ROOT,
                "%ndrained to the subscriber (events/s, first delivery to last, backlog of %,d): %s%n",
                backlog,
                drainEventsPerS);
        out.printf(
                Locale.ROOT,
                "rows: the assignments' rows are requests; the paced row's rps is the changes per second achieved"
                        + " (asked: %,d) and its p50/p99 the time from the change's commit to the subscriber; a drain"
                        + " row's rps is events per second and its p50/p99 the time from the release to the"
                        + " subscriber%n",
                changesPerSecond);
    }

    @Override
    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, Report.JSON.writeValueAsString(this) + "\n");
    }
}
