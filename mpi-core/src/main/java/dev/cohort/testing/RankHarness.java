package dev.cohort.testing;

import dev.cohort.CohortException;
import dev.cohort.CohortOptions;
import dev.cohort.RankBody;
import dev.cohort.RankFunction;
import dev.cohort.local.LocalJob;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a test body on N thread ranks with a hard timeout. A body that hangs past the timeout fails
 * with an AssertionError carrying a thread dump of every rank; its ranks are aborted so they stop.
 * A rank that throws fails the run with that rank's exception (via {@link LocalJob}).
 *
 * <pre>{@code
 * RankHarness.run(4, Duration.ofSeconds(30), world -> { ... assertions ... });
 * }</pre>
 */
public final class RankHarness {
    private RankHarness() {
    }

    /** Runs {@code body} on {@code np} ranks within {@code timeout}. */
    public static void run(int np, Duration timeout, RankBody body) {
        call(np, timeout, CohortOptions.defaults(), world -> {
            body.run(world);
            return null;
        });
    }

    /** Runs {@code body} on {@code np} ranks with options, within {@code timeout}. */
    public static void run(int np, Duration timeout, CohortOptions options, RankBody body) {
        call(np, timeout, options, world -> {
            body.run(world);
            return null;
        });
    }

    /** Runs {@code fn} on {@code np} ranks within {@code timeout} and returns the results by rank. */
    public static <T> List<T> call(int np, Duration timeout, CohortOptions options, RankFunction<T> fn) {
        LocalJob job = new LocalJob(np, options);
        AtomicReference<List<T>> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                result.set(job.call(fn));
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "cohort-harness");
        runner.setDaemon(true);
        runner.start();
        try {
            runner.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.abort(e);
            throw new AssertionError("interrupted while waiting for " + np + " ranks", e);
        }
        if (runner.isAlive()) {
            String dump = threadDump(job.threads());
            job.abort(new AssertionError("timed out after " + timeout));
            throw new AssertionError("ranks did not finish within " + timeout + "; thread dump:\n" + dump);
        }
        Throwable f = failure.get();
        if (f instanceof CohortException) throw (CohortException) f;
        if (f instanceof Error) throw (Error) f;
        if (f != null) throw new AssertionError(f);
        return result.get();
    }

    /** A readable dump of the given threads' stacks. */
    public static String threadDump(Thread[] threads) {
        StringBuilder sb = new StringBuilder();
        for (Thread t : threads) {
            sb.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
            for (StackTraceElement e : t.getStackTrace()) sb.append("    at ").append(e).append('\n');
        }
        return sb.toString();
    }
}
