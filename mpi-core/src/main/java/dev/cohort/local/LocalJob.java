package dev.cohort.local;

import dev.cohort.Cohort;
import dev.cohort.CohortException;
import dev.cohort.CohortOptions;
import dev.cohort.ErrorClass;
import dev.cohort.RankFunction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Runs a job on the local transport: N ranks as daemon threads of this JVM, each with its own
 * session. {@link Cohort#run} uses it; launchers use it directly to give each rank its own class
 * loader (so static fields are per rank) and arguments.
 *
 * <p>When a rank throws, the job is aborted: every other rank's pending and next operation fails
 * with ABORTED (blocked ranks are woken, computing or sleeping ranks are interrupted), the job waits
 * up to the abort grace for them to stop, and {@link #call} throws one CohortException that names the
 * failed rank and carries its exception as the cause.
 */
public final class LocalJob {
    private final int np;
    private final CohortOptions options;
    private IntFunction<ClassLoader> loaders;
    private String[] args = new String[0];
    private String threadNamePrefix = "cohort-rank-";
    private boolean runsPrograms;
    private volatile LocalUniverse running;
    private volatile Thread[] runningThreads;

    public LocalJob(int np, CohortOptions options) {
        if (np < 1) throw new CohortException(ErrorClass.ARG, -1, "a job needs at least 1 rank, got " + np);
        this.np = np;
        this.options = options;
    }

    /** Gives rank r the class loader loaders.apply(r) (its context class loader and its codec's). */
    public LocalJob rankLoaders(IntFunction<ClassLoader> loaders) {
        this.loaders = loaders;
        return this;
    }

    /** Arguments returned by each rank's {@link Cohort#args()}. */
    public LocalJob args(String... args) {
        this.args = args.clone();
        return this;
    }

    /**
     * The ranks run a program's main (a launcher's job): each session takes the options the program
     * passes to {@code Cohort.init} (see {@link Cohort#openedByLauncher()}).
     */
    public LocalJob runsPrograms() {
        this.runsPrograms = true;
        return this;
    }

    /** Names rank threads prefix + rank. */
    public LocalJob threadNamePrefix(String prefix) {
        this.threadNamePrefix = prefix;
        return this;
    }

    /**
     * Runs {@code fn} on every rank and returns the results by rank.
     *
     * @throws CohortException when a rank failed (FAILED, or the rank's own CohortException class) or the
     *                         ranks deadlocked (DEADLOCK)
     */
    public <T> List<T> call(RankFunction<T> fn) {
        LocalUniverse u = new LocalUniverse(np, options);
        Object[] results = new Object[np];
        Thread[] threads = new Thread[np];
        ClassLoader callerLoader = Thread.currentThread().getContextClassLoader();
        for (int r = 0; r < np; r++) {
            final int rank = r;
            ClassLoader loader = loaders != null ? loaders.apply(r) : callerLoader;
            Thread t = new Thread(() -> runRank(u, rank, loader, fn, results), threadNamePrefix + r);
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            u.ranks[r].rankThread = t;
            threads[r] = t;
        }
        running = u;
        runningThreads = threads;
        for (Thread t : threads) t.start();
        try {
            waitForRanks(u, threads);
        } finally {
            u.shutdown();
        }
        if (u.failed()) throw jobFailure(u, threads);
        List<T> out = new ArrayList<>(np);
        for (Object o : results) {
            @SuppressWarnings("unchecked")
            T v = (T) o;
            out.add(v);
        }
        return out;
    }

    private <T> void runRank(LocalUniverse u, int rank, ClassLoader loader, RankFunction<T> fn, Object[] results) {
        Cohort session = null;
        try {
            session = new Cohort(u.ranks[rank], options, args, loader, false);
            if (runsPrograms) session.openedByLauncher();
            results[rank] = Cohort.callBound(session, fn);
        } catch (Throwable e) {
            // A rank that fails because another one did is not a new failure.
            if (!(u.failed() && e instanceof CohortException
                    && (((CohortException) e).errorClass() == ErrorClass.ABORTED
                    || ((CohortException) e).errorClass() == ErrorClass.DEADLOCK
                    || ((CohortException) e).errorClass() == ErrorClass.INTERRUPTED))) {
                u.fail(rank, e);
            }
        } finally {
            if (session != null) session.close();
            u.finished(rank);
        }
    }

    private void waitForRanks(LocalUniverse u, Thread[] threads) {
        long deadline = Long.MAX_VALUE;
        for (Thread t : threads) {
            while (t.isAlive()) {
                if (u.failed() && deadline == Long.MAX_VALUE) deadline = System.nanoTime() + options.abortGrace().toNanos();
                long left = deadline == Long.MAX_VALUE ? TimeUnit.MILLISECONDS.toNanos(50) : deadline - System.nanoTime();
                if (left <= 0) return;
                try {
                    t.join(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(left))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    u.fail(-1, new CohortException(ErrorClass.INTERRUPTED, -1, "the thread running the job was interrupted"));
                    return;
                }
            }
        }
    }

    private static CohortException jobFailure(LocalUniverse u, Thread[] threads) {
        List<Integer> stuck = new ArrayList<>();
        for (int r = 0; r < threads.length; r++) if (threads[r].isAlive()) stuck.add(r);
        String tail = stuck.isEmpty() ? "" : "; ranks " + stuck + " did not stop within the abort grace and were left running";
        Throwable root = u.rootCause();
        if (root instanceof CohortException && ((CohortException) root).errorClass() == ErrorClass.DEADLOCK) {
            CohortException d = (CohortException) root;
            return new CohortException(ErrorClass.DEADLOCK, -1, d.detail() + tail);
        }
        int rank = u.failedRank();
        ErrorClass c = root instanceof CohortException ? ((CohortException) root).errorClass() : ErrorClass.FAILED;
        String what = root instanceof CohortException ? root.getClass().getName() + ": " + ((CohortException) root).detail()
                : String.valueOf(root);
        return new CohortException(c, rank, "rank " + rank + " failed: " + what + tail, root);
    }

    /**
     * Ends a running job from outside (a test harness's timeout, a launcher's signal): every rank's
     * pending and next operation fails with ABORTED. Does nothing when no job runs.
     */
    public void abort(Throwable cause) {
        LocalUniverse u = running;
        if (u != null) u.fail(-1, cause);
    }

    /** The threads of the running job, by rank (for thread dumps), or an empty array. */
    public Thread[] threads() {
        Thread[] t = runningThreads;
        return t == null ? new Thread[0] : t.clone();
    }

    @Override
    public String toString() {
        return "LocalJob[np=" + np + ", args=" + Arrays.toString(args) + "]";
    }
}
