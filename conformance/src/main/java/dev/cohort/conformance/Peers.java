package dev.cohort.conformance;

import dev.cohort.Comm;
import dev.cohort.Request;
import dev.cohort.Status;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Who talks to whom in the cases: a ring (each rank sends to the next and receives from the
 * previous; on one rank both are the rank itself) and a root that receives from everyone.
 */
final class Peers {
    private Peers() {
    }

    static int next(Comm w) {
        return (w.rank() + 1) % w.size();
    }

    static int prev(Comm w) {
        return (w.rank() + w.size() - 1) % w.size();
    }

    /**
     * The rank that gathers in cases with wildcard receives: the last one. Not rank 0, because
     * {@link ConformanceMain} gathers its between-case agreement on rank 0 and a receive with both
     * ANY_SOURCE and ANY_TAG there could take an early rank's agreement message.
     */
    static int root(Comm w) {
        return w.size() - 1;
    }

    /**
     * One step of a ring with blocking calls that cannot deadlock even when the transport does not
     * buffer: even ranks send first, odd ranks receive first (on an odd ring the chain still unwinds
     * from rank 1). A single rank sends to itself nonblocking, since a blocking send to oneself may
     * wait for a receive that comes after it.
     */
    static Status ringStep(Comm w, Runnable blockingSend, Supplier<Status> blockingRecv, Supplier<Request> nonblockingSend) {
        if (w.size() == 1) {
            Request r = nonblockingSend.get();
            Status s = blockingRecv.get();
            r.await();
            return s;
        }
        if (w.rank() % 2 == 0) {
            blockingSend.run();
            return blockingRecv.get();
        }
        Status s = blockingRecv.get();
        blockingSend.run();
        return s;
    }

    /**
     * Tells {@code prev} that this rank is ready and waits until {@code next} says it is: afterwards
     * whatever this rank sends to next is sent after next's preparations (a receive it posted, a
     * probe it made), which makes "nothing has arrived yet" checks deterministic on any transport.
     * Uses {@code tag} in both directions.
     */
    static void waitForNext(Comm w, int tag) {
        int[] token = {w.rank()};
        Request r = w.isend(token, 0, 1, prev(w), tag);
        int[] in = new int[1];
        w.recv(in, 0, 1, next(w), tag);
        r.await();
        if (in[0] != next(w)) {
            throw new AssertionError("handshake on tag " + tag + ": expected the token of rank " + next(w) + ", got " + in[0]);
        }
    }

    /**
     * The other direction: tells {@code next} that this rank is done (with what it had to do before
     * next may receive from it, such as checking that a send it started is still pending) and waits
     * until {@code prev} says the same: afterwards a receive from prev is posted after prev's checks.
     */
    static void waitForPrev(Comm w, int tag) {
        int[] token = {w.rank()};
        Request r = w.isend(token, 0, 1, next(w), tag);
        int[] in = new int[1];
        w.recv(in, 0, 1, prev(w), tag);
        r.await();
        if (in[0] != prev(w)) {
            throw new AssertionError("handshake on tag " + tag + ": expected the token of rank " + prev(w) + ", got " + in[0]);
        }
    }

    /** Something a helper thread runs; it may throw. */
    interface Action {
        void run() throws Exception;
    }

    /**
     * Starts a daemon thread of this rank that sleeps {@code delayMillis}, then runs {@code action};
     * {@link Helper#finish} waits for it and rethrows what it threw. For messages that must arrive while
     * this rank's own thread already waits in a blocking receive. Keep the delay short: the local
     * transport's deadlock watchdog watches rank threads only and speaks up after a second.
     */
    static Helper later(Comm w, String name, long delayMillis, Action action) {
        Helper h = new Helper(() -> {
            Thread.sleep(delayMillis);
            action.run();
        }, "conformance-" + name + "-rank-" + w.rank());
        h.setDaemon(true);
        h.start();
        return h;
    }

    static final class Helper extends Thread {
        private final Action action;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Helper(Action action, String name) {
            super(name);
            this.action = action;
        }

        @Override
        public void run() {
            try {
                action.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }

        /** Waits (at most {@link Expect#PATIENCE}) for the helper; fails with what it threw or when it still runs. */
        void finish(String what) throws Exception {
            join(Expect.PATIENCE.toMillis());
            Throwable e = failure.get();
            if (e instanceof Exception x) throw x;
            if (e instanceof Error x) throw x;
            if (isAlive()) throw new AssertionError(what + ": the helper thread " + getName() + " is still running");
        }
    }
}
