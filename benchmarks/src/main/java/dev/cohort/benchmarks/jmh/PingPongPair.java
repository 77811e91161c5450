package dev.cohort.benchmarks.jmh;

import dev.cohort.Cohort;
import dev.cohort.CohortOptions;
import dev.cohort.Comm;
import dev.cohort.Status;
import dev.cohort.benchmarks.BufferType;

import java.util.concurrent.locks.LockSupport;

/**
 * Two thread ranks of a local job that play ping-pong on request, for JMH. The ranks are the job's
 * own threads, so their blocking calls take the same path as in an application (a rank's blocking
 * send and receive reuse their operation objects only on the rank's own thread; a JMH thread calling
 * {@link Comm} would measure the other-thread path instead).
 *
 * <p>The measuring thread asks for a batch of round trips with {@link #roundTrips(int)} and parks until
 * rank 0 has done them; with batches of thousands the hand-off costs a few nanoseconds per round trip.
 * Rank 1 echoes every message until rank 0 sends the stop tag.
 */
final class PingPongPair implements AutoCloseable {
    private static final int DATA = 1, STOP = 2;
    /** Spins of rank 0 waiting for the next batch before it parks. */
    private static final int SPINS = 1 << 16;

    private final BufferType type;
    private final int count;
    private final Thread job;
    private volatile Throwable failure;

    // Hand-off between the measuring thread and rank 0: batches requested and done (cumulative).
    private volatile long requested;
    private volatile long done;
    private volatile boolean stopping;
    private volatile Thread rank0;
    private volatile Thread caller;

    private PingPongPair(BufferType type, int bytes) {
        this.type = type;
        this.count = type.count(bytes);
        CohortOptions options = CohortOptions.builder().transport("local").deadlockDetection(false).build();
        this.job = new Thread(() -> {
            try {
                Cohort.run(2, options, this::rank);
            } catch (Throwable e) {
                failure = e;
                Thread c = caller;
                if (c != null) LockSupport.unpark(c);
            }
        }, "pingpong-job");
        job.setDaemon(true);
    }

    /** Starts the job and returns once rank 0 waits for work. */
    static PingPongPair start(BufferType type, int bytes) {
        PingPongPair p = new PingPongPair(type, bytes);
        p.job.start();
        while (p.rank0 == null) {
            if (p.failure != null) throw new IllegalStateException("ping-pong job failed to start", p.failure);
            Thread.onSpinWait();
        }
        return p;
    }

    private void rank(Comm world) {
        Object send = type.allocate(count * type.elementSize());
        Object recv = type.allocate(count * type.elementSize());
        if (world.rank() == 1) {
            while (true) {
                Status s = type.recv(world, recv, count, 0, Comm.ANY_TAG);
                if (s.tag() == STOP) return;
                type.send(world, send, count, 0, DATA);
            }
        }
        rank0 = Thread.currentThread();
        long served = 0;
        while (true) {
            long want = awaitRequest(served);
            if (want < 0) {
                type.send(world, send, 0, 1, STOP);
                return;
            }
            for (long i = served; i < want; i++) {
                type.send(world, send, count, 1, DATA);
                type.recv(world, recv, count, 1, DATA);
            }
            served = want;
            done = want;
            Thread c = caller;
            if (c != null) LockSupport.unpark(c);
        }
    }

    /** Rank 0: waits until more round trips than {@code served} are requested; -1 when stopping. */
    private long awaitRequest(long served) {
        int spins = 0;
        while (true) {
            long want = requested;
            if (want > served) return want;
            if (stopping) return -1;
            if (spins < SPINS) {
                spins++;
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    /** Has rank 0 do {@code n} round trips of the configured message and returns when they are done. */
    void roundTrips(int n) {
        Thread me = Thread.currentThread();
        caller = me;
        long target = requested + n;
        requested = target;
        LockSupport.unpark(rank0);
        while (done < target) {
            if (failure != null) throw new IllegalStateException("ping-pong job failed", failure);
            LockSupport.park(this);
        }
    }

    /** Stops both ranks and waits for the job to end. */
    @Override
    public void close() {
        stopping = true;
        Thread r = rank0;
        if (r != null) LockSupport.unpark(r);
        try {
            job.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) throw new IllegalStateException("ping-pong job failed", failure);
    }
}
