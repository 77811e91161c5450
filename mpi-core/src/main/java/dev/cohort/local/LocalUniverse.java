package dev.cohort.local;

import dev.cohort.CohortException;
import dev.cohort.CohortOptions;
import dev.cohort.ErrorClass;
import dev.cohort.Request;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The shared state of a job whose ranks are threads of this JVM: one mailbox per rank, the job's
 * abort state, and the deadlock watchdog.
 *
 * <p>Deadlock detection: a rank's thread that has spun and yielded without its operation completing
 * registers what it waits for before parking. When every live rank has been registered on the same
 * incomplete wait for the options' deadlock delay, nothing can complete any of them (only running
 * threads complete operations), so the job is ended with a DEADLOCK error listing every rank's wait.
 * A rank that computes or sleeps is not waiting and never counts as blocked.
 */
final class LocalUniverse implements dev.cohort.spi.SharedMemory {
    private final java.util.concurrent.ConcurrentHashMap<Object, Object> shared = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public <T> T shared(Object key, java.util.function.Supplier<T> factory) {
        @SuppressWarnings("unchecked")
        T t = (T) shared.computeIfAbsent(key, k -> factory.get());
        return t;
    }

    final int size;
    final long eagerBytes = Long.getLong("cohort.local.eagerBytes", 16 * 1024);
    private final CohortOptions options;
    private final Mailbox[] boxes;
    final LocalTransport[] ranks;

    private volatile CohortException abort;
    private volatile Throwable rootCause;
    private volatile int failedRank = -1;

    // Guarded by this: what each rank's thread is parked on, and whether the rank still runs.
    private final Request[][] blockedOn;
    private final boolean[] blockedAll;
    private final long[] blockSerial;
    private final boolean[] live;
    private Thread watchdog;
    private volatile boolean shutdown;

    LocalUniverse(int size, CohortOptions options) {
        this.size = size;
        this.options = options;
        this.boxes = new Mailbox[size];
        this.ranks = new LocalTransport[size];
        for (int i = 0; i < size; i++) boxes[i] = new Mailbox(size);
        for (int i = 0; i < size; i++) ranks[i] = new LocalTransport(this, i);
        this.blockedOn = new Request[size][];
        this.blockedAll = new boolean[size];
        this.blockSerial = new long[size];
        this.live = new boolean[size];
        java.util.Arrays.fill(live, true);
    }

    Mailbox box(int rank) {
        return boxes[rank];
    }

    // ---------------------------------------------------------------- abort

    void checkAlive(int rank) {
        CohortException a = abort;
        if (a != null) throw new CohortException(a.errorClass(), a.rank(), "rank " + rank + ": " + a.detail(), a.getCause());
    }

    /** Records the first failure of the job and wakes every rank so it fails promptly. */
    void fail(int rank, Throwable cause) {
        synchronized (this) {
            if (abort != null) return;
            rootCause = cause;
            failedRank = rank;
            abort = new CohortException(ErrorClass.ABORTED, rank, "the job was ended because rank " + rank + " failed: " + cause,
                    cause);
        }
        wakeAll(rank);
    }

    boolean failed() {
        return abort != null;
    }

    Throwable rootCause() {
        return rootCause;
    }

    int failedRank() {
        return failedRank;
    }

    CohortException abortError() {
        return abort;
    }

    private void wakeAll(int except) {
        for (int i = 0; i < size; i++) {
            Thread t = ranks[i].rankThread;
            if (t != null && i != except) {
                LockSupport.unpark(t);
                t.interrupt();
            }
        }
    }

    // ---------------------------------------------------------------- blocked ranks

    synchronized void blocked(int rank, Request[] requests, boolean all) {
        blockedOn[rank] = requests;
        blockedAll[rank] = all;
        blockSerial[rank]++;
        if (watchdog == null && options.deadlockDetection() && size > 1 && !shutdown) startWatchdog();
    }

    synchronized void unblocked(int rank) {
        blockedOn[rank] = null;
    }

    synchronized void finished(int rank) {
        live[rank] = false;
        blockedOn[rank] = null;
    }

    void shutdown() {
        shutdown = true;
        Thread w;
        synchronized (this) {
            w = watchdog;
        }
        if (w != null) w.interrupt();
    }

    private void startWatchdog() {
        watchdog = new Thread(this::watch, "cohort-deadlock-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private static boolean stillWaiting(Request[] reqs, boolean all) {
        boolean anyActive = false;
        for (Request r : reqs) {
            if (r == null) continue;
            if (r.isComplete()) {
                if (!all) return false;
                continue;
            }
            if (!r.isActive()) continue;
            if (all) return true;
            anyActive = true;
        }
        return anyActive;
    }

    private void watch() {
        long delayNanos = options.deadlockDelay().toNanos();
        long since = 0;
        long[] serials = new long[size];
        long tick = Math.max(10, Math.min(100, options.deadlockDelay().toMillis() / 4));
        while (!shutdown && abort == null) {
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
            String report = null;
            synchronized (this) {
                boolean allBlocked = true;
                int liveCount = 0;
                for (int r = 0; r < size && allBlocked; r++) {
                    if (!live[r]) continue;
                    liveCount++;
                    Request[] on = blockedOn[r];
                    allBlocked = on != null && stillWaiting(on, blockedAll[r]);
                }
                if (!allBlocked || liveCount == 0) {
                    since = 0;
                    continue;
                }
                boolean same = since != 0;
                for (int r = 0; r < size; r++) {
                    if (live[r] && serials[r] != blockSerial[r]) same = false;
                    serials[r] = blockSerial[r];
                }
                long now = System.nanoTime();
                if (!same) {
                    since = now;
                } else if (now - since >= delayNanos) {
                    report = describeDeadlock();
                }
            }
            if (report != null) {
                declareDeadlock(report);
                return;
            }
        }
    }

    private String describeDeadlock() {
        StringBuilder sb = new StringBuilder("deadlock: every live rank is blocked in an operation that no other rank can satisfy");
        List<Integer> done = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            if (!live[r]) {
                done.add(r);
                continue;
            }
            sb.append("\n  rank ").append(r).append(blockedAll[r] ? " waits for all of: " : " waits for any of: ");
            boolean first = true;
            for (Request q : blockedOn[r]) {
                if (q == null || !q.isActive() || q.isComplete()) continue;
                if (!first) sb.append(", ");
                sb.append(q.describe());
                first = false;
            }
        }
        if (!done.isEmpty()) sb.append("\n  ranks ").append(done).append(" have finished");
        return sb.toString();
    }

    private void declareDeadlock(String report) {
        synchronized (this) {
            if (abort != null) return;
            abort = new CohortException(ErrorClass.DEADLOCK, -1, report);
            rootCause = abort;
        }
        wakeAll(-1);
    }
}
