package dev.cohort;

import dev.cohort.spi.Channel;
import dev.cohort.spi.ProgressEngine;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * For collective engines: a collective operation as a sequence of rounds over point-to-point. Each
 * call of {@link #step()} posts the next round's sends and receives (and does local work such as
 * reducing what the last round received); the request completes when step() returns true with
 * nothing posted. Blocking collectives await it; nonblocking ones return it, and it advances whenever
 * the rank polls or waits on any request (it registers with the rank's progress engine).
 *
 * <p>A receive posted with {@link #recv} expects exactly its count: a message of another length means
 * the ranks passed different counts, reported as a COUNT error naming both ranks.
 */
public abstract class CollectiveRequest extends Request {
    private final Comm comm;
    private final Channel channel;
    private final String name;
    private Request[] pending = new Request[4];
    private int[] expected = new int[4];
    private int[] peers = new int[4];
    private int npending;
    private Thread waiterThread;
    private final AtomicBoolean busy = new AtomicBoolean();
    private boolean registered;

    protected CollectiveRequest(Channel channel, String name) {
        super(ACTIVE);
        this.channel = channel;
        this.comm = channel.comm();
        this.name = name;
    }

    /** Runs the first rounds; returns this. Call once, right after construction. */
    public final CollectiveRequest begin() {
        poll();
        return this;
    }

    /**
     * Registers a started, unfinished collective with the rank's progress engine, so it advances while
     * the rank waits on other requests. Comm does this for the nonblocking forms only: a blocking call
     * drives its own collective and needs no registration.
     */
    final void registerForProgress() {
        synchronized (this) {
            if (registered || isComplete()) return;
            registered = true;
        }
        comm.transport().engine().addProgress(this);
        if (isComplete()) comm.transport().engine().removeProgress(this);
    }

    /**
     * Advances the algorithm once every request posted by the previous call has completed. Post the
     * next round with {@link #send} / {@link #recv}; return true when the collective is finished.
     */
    protected abstract boolean step();

    /** Posts a send of a round. */
    protected final void send(Object buf, ElementType t, int offset, int count, int dest, int tag) {
        add(channel.isend(buf, t, offset, count, dest, tag), -1, dest);
    }

    /** Posts a receive of a round that must bring exactly {@code count} elements. */
    protected final void recv(Object buf, ElementType t, int offset, int count, int source, int tag) {
        add(channel.irecv(buf, t, offset, count, source, tag), count, source);
    }

    /** Makes the next step wait for another request (a nested collective). */
    protected final void follow(Request r) {
        add(r, -1, -1);
    }

    private void add(Request r, int count, int peer) {
        if (npending == pending.length) {
            pending = java.util.Arrays.copyOf(pending, npending * 2);
            expected = java.util.Arrays.copyOf(expected, npending * 2);
            peers = java.util.Arrays.copyOf(peers, npending * 2);
        }
        pending[npending] = r;
        expected[npending] = count;
        peers[npending] = peer;
        npending++;
        Thread w = waiterThread;
        if (w != null) r.registerWaiter(w);
    }

    protected final int rank() {
        return comm.rank();
    }

    protected final int size() {
        return comm.size();
    }

    @Override
    protected final boolean poll() {
        if (state == COMPLETE) return true;
        if (!busy.compareAndSet(false, true)) return false;
        try {
            while (true) {
                for (int i = 0; i < npending; i++) {
                    Request r = pending[i];
                    if (r.state != COMPLETE && !r.poll()) return false;
                }
                for (int i = 0; i < npending; i++) {
                    Request r = pending[i];
                    CohortException e = r.resultError;
                    if (e == null && expected[i] >= 0 && r.resultCount != expected[i]) {
                        e = new CohortException(ErrorClass.COUNT, comm.worldRankOf(comm.rank()), "rank " + comm.rank() + ": " + name
                                + " on " + comm.name() + ": rank " + peers[i] + " sent " + r.resultCount + " elements where "
                                + expected[i] + " were expected: the ranks passed different counts");
                    } else if (e != null && e.errorClass() == ErrorClass.TRUNCATE) {
                        e = new CohortException(ErrorClass.COUNT, e.rank(), "rank " + comm.rank() + ": " + name + " on "
                                + comm.name() + ": rank " + peers[i] + " sent more elements than this rank expects: the ranks "
                                + "passed different counts (" + e.detail() + ")", e);
                    }
                    if (e != null) {
                        clearPending();
                        finish(e);
                        return true;
                    }
                }
                clearPending();
                boolean done;
                try {
                    done = step();
                } catch (CohortException e) {
                    finish(e);
                    return true;
                }
                if (npending == 0) {
                    if (done) {
                        finish(null);
                        return true;
                    }
                }
            }
        } finally {
            busy.set(false);
        }
    }

    private void clearPending() {
        for (int i = 0; i < npending; i++) pending[i] = null;
        npending = 0;
    }

    private void finish(CohortException e) {
        resultSource = Comm.PROC_NULL;
        resultTag = Comm.ANY_TAG;
        resultError = e;
        boolean wasRegistered;
        synchronized (this) {
            wasRegistered = registered;
        }
        if (wasRegistered) comm.transport().engine().removeProgress(this);
        complete();
    }

    @Override
    protected final void registerWaiter(Thread t) {
        super.registerWaiter(t);
        waiterThread = t;
        for (int i = 0; i < npending; i++) {
            Request r = pending[i];
            if (r != null) r.registerWaiter(t);
        }
    }

    @Override
    protected final Comm comm() {
        return comm;
    }

    @Override
    protected final ProgressEngine engine() {
        return comm.transport().engine();
    }

    @Override
    public String describe() {
        return name + "(comm=" + comm.name() + ")";
    }

    @Override
    protected final boolean doCancel() {
        return false;
    }
}
