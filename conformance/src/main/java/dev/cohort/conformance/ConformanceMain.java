package dev.cohort.conformance;

import dev.cohort.Cohort;
import dev.cohort.Comm;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the conformance suite on the world of this process's session: the way a transport that
 * launches processes (mpirun, MPJ Express) runs the same cases the local JUnit runner does.
 *
 * <pre>
 * mpirun -np 4 java -cp ... dev.cohort.conformance.ConformanceMain [--list] [--timeout=SECONDS] [--verbose] [NAME...]
 * </pre>
 *
 * NAMEs are sections, cases or section/case (see {@link Conformance#select}); none means all. Cases
 * run one after another on the one world; after each the ranks agree on who failed (point-to-point,
 * bounded by the timeout, default 60 s per case). A rank prints one line per case only when its part
 * failed; rank 0 prints the summary. Exit status: 0 when every case passed on every rank, 1 when some
 * failed, 2 for bad arguments; a rank that waits past the timeout for the others aborts the job, and
 * a rank whose case is still running after the timeout prints its threads' stacks (HUNG ...).
 *
 * <p>Launchers that run ranks as threads of one JVM should call {@link #run(Comm, String[],
 * PrintStream)} and use its result rather than {@code main}, which calls System.exit on failure.
 */
public final class ConformanceMain {
    private ConformanceMain() {
    }

    /** What a run found: names of cases that passed, failed (on some rank), or were skipped (too few ranks). */
    public record Result(int ranks, List<String> passed, List<String> failed, List<String> skipped) {
        public boolean ok() {
            return failed.isEmpty();
        }
    }

    public static void main(String[] args) {
        int status;
        try (Cohort c = Cohort.init(Conformance.options(), args)) {
            try {
                status = run(c.world(), c.args(), System.out);
            } catch (Agreement.Timeout e) {
                System.out.println("ABORT on rank " + c.rank() + ": " + e.getMessage());
                System.out.flush();
                c.transport().abort(e);
                throw e;
            }
        }
        if (status != 0) System.exit(status);
    }

    /**
     * Parses {@code args} and runs the chosen cases (or, with --list, prints them on rank 0).
     * Returns the exit status: 0, 1 when a case failed, 2 for bad arguments.
     */
    public static int run(Comm world, String[] args, PrintStream out) {
        List<String> names = new ArrayList<>();
        Duration timeout = Duration.ofSeconds(60);
        boolean list = false, verbose = false;
        for (String a : args) {
            if (a.equals("--list")) list = true;
            else if (a.equals("--verbose") || a.equals("-v")) verbose = true;
            else if (a.startsWith("--timeout=")) {
                try {
                    timeout = Duration.ofSeconds(Long.parseLong(a.substring("--timeout=".length())));
                } catch (NumberFormatException e) {
                    return usage(world, out, "bad timeout: " + a);
                }
            } else if (a.startsWith("-")) {
                return usage(world, out, "unknown option: " + a);
            } else {
                names.add(a);
            }
        }
        List<ConformanceCase> cases;
        try {
            cases = Conformance.select(names);
        } catch (IllegalArgumentException e) {
            return usage(world, out, e.getMessage());
        }
        if (list) {
            if (world.rank() == 0) for (ConformanceCase c : cases) out.println(c);
            return 0;
        }
        try {
            return runCases(world, cases, timeout, verbose, out).ok() ? 0 : 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running the conformance suite", e);
        }
    }

    private static int usage(Comm world, PrintStream out, String problem) {
        if (world.rank() == 0) {
            out.println("conformance: " + problem);
            out.println("usage: ConformanceMain [--list] [--timeout=SECONDS] [--verbose] [SECTION | CASE | SECTION/CASE]...");
            out.println("sections: " + Conformance.sections().keySet());
        }
        return 2;
    }

    /**
     * Runs {@code cases} in order on {@code world}, every rank calling this with the same list. A case
     * that throws on a rank is a failure of that case (printed by that rank); the ranks then agree on
     * the outcome and drop whatever messages the failed case left behind, and go on with the next case.
     *
     * @throws Agreement.Timeout when ranks do not all finish a case within {@code timeout}
     */
    public static Result runCases(Comm world, List<ConformanceCase> cases, Duration timeout, boolean verbose,
                                  PrintStream out) throws InterruptedException {
        List<String> passed = new ArrayList<>(), failed = new ArrayList<>(), skipped = new ArrayList<>();
        int n = world.size(), me = world.rank();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "conformance-watchdog-" + me);
            t.setDaemon(true);
            return t;
        });
        try {
            for (ConformanceCase c : cases) {
                if (!c.supports(n)) {
                    skipped.add(c.qualifiedName());
                    continue;
                }
                runCase(world, c, timeout, verbose, out, watchdog, passed, failed);
            }
        } finally {
            watchdog.shutdownNow();
        }
        Result result = new Result(n, Collections.unmodifiableList(passed), Collections.unmodifiableList(failed),
                Collections.unmodifiableList(skipped));
        if (me == 0) printSummary(world, result, out);
        return result;
    }

    /**
     * Runs one case on this rank, then agrees with the others on its outcome. A case still running
     * after {@code timeout} is reported with this process's threads (the others' agreement gives up
     * then too), so a hang says where it waits, not only that it did.
     */
    private static void runCase(Comm world, ConformanceCase c, Duration timeout, boolean verbose, PrintStream out,
                                ScheduledExecutorService watchdog, List<String> passed, List<String> failed)
            throws InterruptedException {
        int n = world.size(), me = world.rank();
        Thread runner = Thread.currentThread();
        ScheduledFuture<?> hung = watchdog.schedule(() -> reportHung(c, me, n, timeout, runner, out),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        Throwable failure = null;
        try {
            c.run(world);
        } catch (Throwable t) {
            failure = t;
        } finally {
            hung.cancel(false);
        }
        if (failure != null) {
            out.println("FAIL " + c.qualifiedName() + " on rank " + me + " of " + n + ": " + oneLine(failure));
            if (verbose) failure.printStackTrace(out);
            out.flush();
        }
        boolean[] ranksFailed = Agreement.agree(world, failure != null, timeout, c.qualifiedName());
        List<Integer> who = new ArrayList<>();
        for (int r = 0; r < n; r++) if (ranksFailed[r]) who.add(r);
        if (who.isEmpty()) {
            passed.add(c.qualifiedName());
        } else {
            failed.add(c.qualifiedName() + " (ranks " + who + ")");
            int dropped = Agreement.drain(world);
            if (dropped > 0) {
                out.println("NOTE rank " + me + " dropped " + dropped + " messages left over by " + c.qualifiedName());
            }
            Agreement.agree(world, false, timeout, "cleaning up after " + c.qualifiedName());
        }
    }

    /** Prints that a case outlived the timeout on this rank, with the stacks of the process's threads, the case's first. */
    private static void reportHung(ConformanceCase c, int me, int n, Duration timeout, Thread runner, PrintStream out) {
        StringBuilder b = new StringBuilder("HUNG " + c.qualifiedName() + " on rank " + me + " of " + n
                + ": still running after " + timeout.toSeconds() + " s; threads of this process:\n");
        Map<Thread, StackTraceElement[]> all = Thread.getAllStackTraces();
        List<Thread> order = new ArrayList<>(all.keySet());
        order.sort((x, y) -> Boolean.compare(y == runner, x == runner));
        for (Thread t : order) {
            StackTraceElement[] stack = all.get(t);
            if (stack.length == 0) continue;
            b.append("  \"").append(t.getName()).append("\" ").append(t.getState()).append('\n');
            for (int i = 0; i < Math.min(stack.length, 16); i++) b.append("      at ").append(stack[i]).append('\n');
        }
        out.print(b);
        out.flush();
    }

    private static void printSummary(Comm world, Result r, PrintStream out) {
        int total = r.passed().size() + r.failed().size() + r.skipped().size();
        out.println("conformance: " + total + " cases on " + r.ranks() + (r.ranks() == 1 ? " rank" : " ranks") + " (transport "
                + world.session().transportName() + "): " + r.passed().size() + " passed, " + r.failed().size()
                + " failed, " + r.skipped().size() + " skipped");
        for (String f : r.failed()) out.println("  failed: " + f);
        for (String s : r.skipped()) out.println("  skipped (needs more ranks): " + s);
        out.flush();
    }

    /** An exception as one line: its class and message with line breaks folded, shortened if very long. */
    static String oneLine(Throwable t) {
        String msg = String.valueOf(t.getMessage()).replaceAll("\\s*\\R\\s*", " | ").trim();
        if (msg.length() > 1000) msg = msg.substring(0, 1000) + "...";
        return t.getClass().getSimpleName() + ": " + msg;
    }
}
