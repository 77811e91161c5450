package dev.cohort;

import dev.cohort.spi.ProgressEngine;
import dev.cohort.spi.Spinning;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.locks.LockSupport;

/**
 * A nonblocking operation in flight: a send, a receive, or a collective. Complete it with
 * {@link #await()} or {@link #test()}, or with one of the static helpers over several requests.
 *
 * <p>Buffers: the buffer passed to the call that made the request belongs to Cohort until the request
 * completes. Do not read a receive buffer or modify a send buffer before then.
 *
 * <p>Threads: a request may be awaited or tested from any thread of its rank, but by one at a time.
 *
 * <p>The static helpers follow MPI's conventions: null entries are null requests and are ignored;
 * a completed non-persistent request is replaced by null in the caller's array (as MPI sets it to
 * MPI_REQUEST_NULL), so calling waitAny in a loop walks through all of them; an inactive persistent
 * request is treated like a null one.
 */
public abstract class Request {
    /** Returned by waitAny / testAny when no request is active (MPI_UNDEFINED). */
    public static final int UNDEFINED = -32766;
    /** Returned by testAny when some request is active but none has completed yet. */
    public static final int PENDING = -1;

    protected static final int INACTIVE = 0, ACTIVE = 1, COMPLETE = 2, FREED = 3;

    /** Life cycle: INACTIVE (persistent, not started), ACTIVE, COMPLETE, FREED. */
    protected volatile int state;
    private volatile Thread waiter;

    // Result, written by the completing thread before state becomes COMPLETE.
    protected int resultSource; // world rank
    protected int resultTag;
    protected int resultCount;
    protected ElementType resultType;
    protected boolean resultCancelled;
    protected CohortException resultError;
    /** For object receives: the received encoding (a byte[] of exactly resultCount bytes), or the copier's tape. */
    protected Object resultPayload;

    private volatile CompletableFuture<Status> future;

    protected Request(int initialState) {
        this.state = initialState;
    }

    /** The communicator the request belongs to (for rank translation and error messages); may be null. */
    protected abstract Comm comm();

    /** The rank's progress engine. */
    protected abstract ProgressEngine engine();

    /** A short description for error messages and deadlock reports, e.g. "irecv(source=1, tag=7, comm=WORLD)". */
    public abstract String describe();

    /** Attempts to cancel a pending operation; true when it was cancelled before matching. */
    protected abstract boolean doCancel();

    /** Checks for completion, making progress if the transport needs it. */
    protected boolean poll() {
        int s = state;
        if (s == COMPLETE) return true;
        engine().progress();
        return state == COMPLETE;
    }

    /**
     * For progress engines: advances the request without finishing it (no error is thrown, the result
     * stays for the owner's await or test). Returns whether it has completed.
     */
    public final boolean advance() {
        int s = state;
        if (s == COMPLETE) return true;
        if (s != ACTIVE) return false;
        return poll();
    }

    /** Registers the thread to unpark on completion (overridden by requests that delegate). */
    protected void registerWaiter(Thread t) {
        waiter = t;
    }

    /**
     * Marks the request complete and wakes its waiter. Called by the transport once the result fields
     * are written.
     */
    protected final void complete() {
        if (state != FREED) state = COMPLETE;
        Thread w = waiter;
        if (w != null) LockSupport.unpark(w);
        CompletableFuture<Status> f = future;
        if (f != null) completeFuture(f);
    }

    /** Hook for requests that do work when they are finished by the awaiting thread (decoding, unstaging). */
    protected void onFinish() {
    }

    /** True once the operation completed (successfully, with an error, or cancelled). Does not throw. */
    public final boolean isComplete() {
        return state == COMPLETE;
    }

    /** True while the request has been started and not yet finished by await/test. */
    public final boolean isActive() {
        return state == ACTIVE;
    }

    /**
     * Blocks until the operation completes and returns its status (for a send: the destination and tag,
     * for a cancelled request: {@link Status#cancelled()} true).
     *
     * @throws CohortException the operation's error, REQUEST for a freed request, ABORTED when the job ends
     */
    public final Status await() {
        int s = state;
        if (s == FREED) throw freedError("await");
        if (s == INACTIVE) return Status.EMPTY;
        if (s != COMPLETE) awaitOne(this);
        return finish();
    }

    /**
     * Returns true when the operation has completed (then {@link #status()} gives its status), false
     * otherwise. Never blocks. Throws the operation's error if it failed.
     */
    public final boolean test() {
        int s = state;
        if (s == FREED) throw freedError("test");
        if (s == INACTIVE) return true;
        if (!poll()) {
            engine().checkAlive();
            return false;
        }
        finish();
        return true;
    }

    /**
     * Like {@link #await()} without building a status: blocks until the operation completes and throws
     * its error if it failed. Allocates nothing, for hot loops.
     */
    public final void waitFor() {
        int s = state;
        if (s == FREED) throw freedError("waitFor");
        if (s == INACTIVE) return;
        if (s != COMPLETE) awaitOne(this);
        onFinishOnce();
        CohortException err = resultError;
        if (isPersistent()) state = INACTIVE;
        if (err != null) throw err;
    }

    /** The status of a completed request. */
    public final Status status() {
        int s = state;
        if (s == FREED) throw freedError("status");
        if (s == INACTIVE) return lastStatus != null ? lastStatus : Status.EMPTY;
        if (s != COMPLETE) {
            throw new CohortException(ErrorClass.REQUEST, myWorldRank(), "rank " + myRank() + ": status() before completion of "
                    + describe());
        }
        return finish();
    }

    /**
     * Cancels a pending receive (or a send that no receive has matched yet). Returns true when the
     * operation was cancelled; a later await returns a status with {@link Status#cancelled()} true.
     * Returns false when it had already matched, and then completes normally.
     */
    public final boolean cancel() {
        int s = state;
        if (s == FREED) throw freedError("cancel");
        if (s != ACTIVE) return false;
        return doCancel();
    }

    /**
     * Releases the request. A pending send still completes in the background; a pending receive is
     * cancelled. Any later use of this request is an error.
     */
    public void free() {
        int s = state;
        if (s == FREED) throw freedError("free");
        if (s == ACTIVE && !poll() && cancelOnFree()) doCancel();
        state = FREED;
    }

    /**
     * A CompletableFuture that completes with this request's status (or its error). The future is
     * completed on the common ForkJoinPool, never inside another rank's operation. The request still
     * belongs to the caller: awaiting it remains allowed.
     */
    public final CompletableFuture<Status> toFuture() {
        if (state == FREED) throw freedError("toFuture");
        CompletableFuture<Status> f = future;
        if (f == null) {
            synchronized (this) {
                f = future;
                if (f == null) {
                    f = new CompletableFuture<>();
                    future = f;
                }
            }
            engine().futureRequested(this);
            if (state == COMPLETE || state == INACTIVE) completeFuture(f);
        }
        return f;
    }

    private void completeFuture(CompletableFuture<Status> f) {
        if (f.isDone()) return;
        ForkJoinPool.commonPool().execute(() -> {
            if (resultError != null) f.completeExceptionally(resultError);
            else f.complete(buildStatus());
        });
    }

    /**
     * Finishes a completed request: runs onFinish once, throws its error or returns its status. A
     * persistent request becomes inactive again.
     */
    private Status finish() {
        onFinishOnce();
        CohortException err = resultError;
        Status st = err == null ? buildStatus() : null;
        if (isPersistent()) {
            lastStatus = st;
            state = INACTIVE;
        }
        if (err != null) throw err;
        return st;
    }

    /** A persistent request's status from its last completion, kept until the next start. */
    private Status lastStatus;

    /** Whether free() of a pending request withdraws it (receives) rather than letting it complete (sends). */
    protected boolean cancelOnFree() {
        return true;
    }

    /** True for persistent requests, which become inactive instead of null when consumed. */
    protected boolean isPersistent() {
        return false;
    }

    private boolean finished;

    private void onFinishOnce() {
        if (!finished) {
            finished = true;
            onFinish();
        }
    }

    /** Lets a persistent request run again. */
    protected final void rearm() {
        finished = false;
        resultError = null;
        resultCancelled = false;
        resultSource = 0;
        resultTag = 0;
        resultCount = 0;
        resultType = null;
        resultPayload = null;
        lastStatus = null;
        waiter = null;
    }

    /** The last status built; statuses are immutable, so a reused request (a rank's blocking ops,
     * persistent requests) hands out the same one again when nothing changed: no allocation per message. */
    private Status statusCache;

    private Status buildStatus() {
        Comm c = comm();
        int src = resultSource;
        if (c != null && src >= 0) src = c.commRankOf(src);
        Status s = statusCache;
        if (s != null && s.is(src, resultTag, resultCount, resultType, resultCancelled)) return s;
        s = new Status(src, resultTag, resultCount, resultType, resultCancelled);
        statusCache = s;
        return s;
    }

    private int myRank() {
        Comm c = comm();
        return c == null ? -1 : c.rank();
    }

    private int myWorldRank() {
        Comm c = comm();
        return c == null ? -1 : c.worldRankOf(c.rank());
    }

    private CohortException freedError(String what) {
        return new CohortException(ErrorClass.REQUEST, myWorldRank(), "rank " + myRank() + ": " + what + "() on a freed request: "
                + describe());
    }

    /** Whether a persistent request is inactive (counts as null in the helpers). */
    private static boolean isNullish(Request r) {
        return r == null || r.state == INACTIVE;
    }

    /** Consumes a completed request in a helper's array: null it unless persistent. */
    private static Status consume(Request[] reqs, int i) {
        Request r = reqs[i];
        if (!r.isPersistent()) reqs[i] = null;
        return r.finish();
    }

    // ---------------------------------------------------------------- waiting

    private static void checkNotFreed(Request r) {
        if (r != null && r.state == FREED) throw r.freedError("wait");
    }

    /** Waits for a single request with the rank's idle strategy. */
    static void awaitOne(Request r) {
        // Fast path without allocation: spin on this request alone, then fall back to the full strategy.
        ProgressEngine engine = r.engine();
        for (int i = 0, spins = Spinning.spins(engine.oversubscribed()); i < spins; i++) {
            if (r.poll()) return;
            Thread.onSpinWait();
        }
        engine.checkAlive();
        Request[] one = {r};
        waitUntil(one, true);
    }

    /**
     * The idle strategy: spin briefly (lowest latency while the peer runs on another core; not at all
     * when the process runs more ranks than it has cores, see {@link Spinning}), then yield
     * for up to {@code cohort.idle.yieldMicros} (other ranks on the same core get to run, so np larger than
     * the core count still progresses; a yield with nothing else to run returns at once, so this is
     * still a fast poll), then park with a bounded timeout. Completion unparks the waiter.
     */
    private static void waitUntil(Request[] reqs, boolean all) {
        ProgressEngine engine = null;
        for (Request r : reqs) {
            if (r != null) {
                engine = r.engine();
                break;
            }
        }
        if (engine == null) return;
        int iteration = 0;
        long yieldUntil = 0;
        Thread me = Thread.currentThread();
        boolean parking = false;
        int spins = Spinning.spins(engine.oversubscribed());
        try {
            while (!ready(reqs, all)) {
                if (iteration < spins) {
                    Thread.onSpinWait();
                } else if (!parking) {
                    if ((iteration & 63) == 0) {
                        engine.checkAlive();
                        long now = System.nanoTime();
                        if (yieldUntil == 0) {
                            yieldUntil = now + Spinning.YIELD_NANOS;
                        } else if (now - yieldUntil > 0) {
                            // Register before the next readiness check: a completer writes state, then reads the waiter.
                            for (Request r : reqs) if (r != null) r.registerWaiter(me);
                            engine.parking(reqs, reqs.length, all);
                            parking = true;
                            iteration++;
                            continue;
                        }
                    }
                    Thread.yield();
                } else {
                    engine.checkAlive();
                    LockSupport.parkNanos(reqs, engine.parkNanos());
                    if (Thread.interrupted()) {
                        engine.checkAlive();
                        me.interrupt();
                        throw new CohortException(ErrorClass.INTERRUPTED, -1,
                                "interrupted while waiting for " + describeFirst(reqs));
                    }
                }
                iteration++;
            }
        } finally {
            if (parking) {
                engine.unparked();
                for (Request r : reqs) if (r != null) r.registerWaiter(null);
            }
        }
    }

    private static String describeFirst(Request[] reqs) {
        for (Request r : reqs) if (r != null) return r.describe();
        return "nothing";
    }

    private static boolean ready(Request[] reqs, boolean all) {
        boolean any = false, active = false;
        for (Request r : reqs) {
            if (isNullish(r) || r.state == FREED) continue;
            active = true;
            if (r.poll()) {
                any = true;
                if (!all) return true;
            } else if (all) {
                return false;
            }
        }
        return all || any || !active;
    }

    /**
     * Waits for all requests; returns their statuses (Status.EMPTY for null or inactive entries). Every
     * request is completed even when one fails; the first error is then thrown.
     */
    public static Status[] waitAll(Request... reqs) {
        for (Request r : reqs) checkNotFreed(r);
        waitUntil(reqs, true);
        Status[] out = new Status[reqs.length];
        CohortException first = null;
        for (int i = 0; i < reqs.length; i++) {
            if (isNullish(reqs[i])) {
                out[i] = Status.EMPTY;
                continue;
            }
            try {
                out[i] = consume(reqs, i);
            } catch (CohortException e) {
                if (first == null) first = e;
                out[i] = Status.EMPTY;
            }
        }
        if (first != null) throw first;
        return out;
    }

    /** Waits for all requests in a list (convenience for collections). */
    public static Status[] waitAll(List<? extends Request> reqs) {
        Request[] a = reqs.toArray(new Request[0]);
        return waitAll(a);
    }

    /**
     * Waits until one request completes and returns its index (the entry is set to null unless the
     * request is persistent). Returns {@link #UNDEFINED} when the array is empty or holds only null or
     * inactive requests.
     */
    public static int waitAny(Request... reqs) {
        for (Request r : reqs) checkNotFreed(r);
        while (true) {
            int i = testAny(reqs);
            if (i != PENDING) return i;
            waitUntil(reqs, false);
        }
    }

    /**
     * Returns the index of a completed request (consumed as in waitAny), {@link #PENDING} when none has
     * completed, or {@link #UNDEFINED} when there is no active request. Never blocks.
     */
    public static int testAny(Request... reqs) {
        boolean active = false;
        for (int i = 0; i < reqs.length; i++) {
            Request r = reqs[i];
            checkNotFreed(r);
            if (isNullish(r)) continue;
            active = true;
            if (r.poll()) {
                consume(reqs, i);
                return i;
            }
        }
        if (!active) return UNDEFINED;
        for (Request r : reqs) {
            if (r != null) {
                r.engine().checkAlive();
                break;
            }
        }
        return PENDING;
    }

    /**
     * Waits until at least one request completes; returns the indices of all completed ones (each
     * consumed as in waitAny). Returns an empty array when there is no active request.
     */
    public static int[] waitSome(Request... reqs) {
        for (Request r : reqs) checkNotFreed(r);
        int[] done = testSome(reqs);
        while (done.length == 0 && hasActive(reqs)) {
            waitUntil(reqs, false);
            done = testSome(reqs);
        }
        return done;
    }

    /** The indices of the requests that have completed now (each consumed), possibly none. Never blocks. */
    public static int[] testSome(Request... reqs) {
        List<Integer> done = new ArrayList<>();
        CohortException first = null;
        for (int i = 0; i < reqs.length; i++) {
            Request r = reqs[i];
            checkNotFreed(r);
            if (isNullish(r) || !r.poll()) continue;
            done.add(i);
            try {
                consume(reqs, i);
            } catch (CohortException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
        return done.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * True when every request has completed (they are then all consumed); false, consuming none,
     * otherwise. Never blocks.
     */
    public static boolean testAll(Request... reqs) {
        for (Request r : reqs) {
            checkNotFreed(r);
            if (!isNullish(r) && !r.poll()) {
                r.engine().checkAlive();
                return false;
            }
        }
        waitAll(reqs);
        return true;
    }

    /** Starts every persistent request in order. */
    public static void startAll(PersistentRequest... reqs) {
        for (PersistentRequest r : reqs) {
            if (r != null) r.start();
        }
    }

    private static boolean hasActive(Request[] reqs) {
        for (Request r : reqs) if (!isNullish(r)) return true;
        return false;
    }
}
