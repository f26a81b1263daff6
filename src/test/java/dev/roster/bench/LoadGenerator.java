package dev.roster.bench;

import java.io.IOException;
import java.time.Duration;

/** Sends a {@link Workload} to Roster over a fixed number of connections for a fixed time. */
interface LoadGenerator {

    LoadResult run(Workload workload, Duration duration) throws IOException, InterruptedException;

    /** The tool and its settings, for the report, e.g. {@code wrk -t2 -c16}. */
    String description();
}
