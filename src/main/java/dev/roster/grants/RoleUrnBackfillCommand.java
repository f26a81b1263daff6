package dev.roster.grants;

import dev.roster.grants.RoleUrnBackfill.Action;
import dev.roster.grants.RoleUrnBackfill.Batch;
import dev.roster.grants.RoleUrnBackfill.Legacy;
import dev.roster.platform.RosterProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * {@code ./roster backfill-role-urns [--dry-run] [--batch N]}: rewrites every legacy {@code role:<slug>} grant to its
 * role's canonical URN ({@link RoleUrnBackfill}), batch by batch, beside live nodes, and reports the counts. Safe to
 * stop at any moment and to run again: it starts over from whatever legacy grants are left. With {@code --dry-run}
 * it reports what it would do and changes nothing. Audited as {@code cli:<os user>}.
 */
@Component
class RoleUrnBackfillCommand implements ApplicationRunner, ExitCodeGenerator {

    static final String NAME = "backfill-role-urns";
    static final int DEFAULT_BATCH = 500;
    static final int MAX_BATCH = 10_000;
    private static final UUID FIRST = new UUID(0, 0);
    private static final int EXAMPLES = 20;
    /** A batch that met a concurrent write of its canonical twin (unique violation) is tried again this often. */
    private static final int ATTEMPTS = 3;

    private final RosterProperties properties;
    private final RoleUrnBackfill backfill;
    private int exitCode;

    RoleUrnBackfillCommand(RosterProperties properties, RoleUrnBackfill backfill) {
        this.properties = properties;
        this.backfill = backfill;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!NAME.equals(properties.command())) {
            return;
        }
        Integer batchSize = batchSize(args);
        if (batchSize == null || !args.getNonOptionArgs().isEmpty()) {
            System.err.println("roster: usage: ./roster backfill-role-urns [--dry-run] [--batch N] (N from 1 to "
                    + MAX_BATCH + ", default " + DEFAULT_BATCH + ")");
            exitCode = 2;
            return;
        }
        boolean dryRun = args.containsOption("dry-run");
        String actor = "cli:" + System.getProperty("user.name", "unknown");
        long[] totals = new long[Action.values().length];
        var unresolved = new ArrayList<Legacy>();
        UUID after = FIRST;
        int batches = 0;
        while (true) {
            Batch batch = dryRun ? backfill.peek(after, batchSize) : apply(actor, after, batchSize);
            if (batch.last() == null) {
                break;
            }
            batches++;
            for (Legacy grant : batch.grants()) {
                totals[grant.action().ordinal()]++;
                if (grant.action() == Action.UNRESOLVED && unresolved.size() < EXAMPLES) {
                    unresolved.add(grant);
                }
            }
            after = batch.last();
            if (!dryRun && batches % 20 == 0) {
                System.out.println("roster: " + batches + " batches so far: " + summary(totals, false));
            }
        }
        System.out.println("roster: " + (dryRun ? "dry run, nothing changed: " : "done: ") + summary(totals, dryRun));
        report(unresolved, totals[Action.UNRESOLVED.ordinal()]);
    }

    private Batch apply(String actor, UUID after, int batchSize) {
        for (int attempt = 1; ; attempt++) {
            try {
                return backfill.apply(actor, after, batchSize);
            } catch (DataIntegrityViolationException e) {
                // Someone wrote a grant's canonical twin between our read and our rewrite: read the batch again.
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static String summary(long[] totals, boolean dryRun) {
        return (dryRun ? "would rewrite " : "rewrote ") + totals[Action.REWRITE.ordinal()] + " legacy grant(s) to"
                + " canonical role URNs, " + (dryRun ? "would merge " : "merged ") + totals[Action.MERGE.ordinal()]
                + " into the same grant already held by the canonical URN, "
                + totals[Action.UNRESOLVED.ordinal()] + " left unresolved.";
    }

    private static void report(List<Legacy> examples, long unresolved) {
        if (unresolved == 0) {
            return;
        }
        System.out.println("roster: unresolved grants name a slug that is no role of their tenant and no global"
                + " role; they allow nothing once ROSTER_AUTHZ_LEGACY_SLUG_PRINCIPALS=off. Delete them or create"
                + " the role, then run again."
                + (unresolved > examples.size() ? " The first " + examples.size() + ":" : ""));
        for (Legacy grant : examples) {
            System.out.println("  grant " + grant.id() + " in tenant " + grant.tenantId() + ": " + grant.principal()
                    + " " + grant.permission() + " on '" + grant.selector() + "'");
        }
    }

    private static @Nullable Integer batchSize(ApplicationArguments args) {
        List<String> values = args.getOptionValues("batch");
        if (values == null) {
            return DEFAULT_BATCH;
        }
        if (values.size() != 1) {
            return null;
        }
        try {
            int size = Integer.parseInt(values.getFirst());
            return size >= 1 && size <= MAX_BATCH ? size : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }
}
