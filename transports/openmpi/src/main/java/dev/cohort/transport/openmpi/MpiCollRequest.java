package dev.cohort.transport.openmpi;

import dev.cohort.CohortException;
import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.Request;
import dev.cohort.spi.ProgressEngine;
import mpi.MPIException;

/**
 * An MPI collective on staged buffers: nonblocking (MPI_I..., tested under the transport's lock), or,
 * for the blocking API, the blocking MPI call. Under MPI_THREAD_MULTIPLE that call is made outside the
 * lock, so that the rank's other threads keep sending and receiving meanwhile. Below it the call holds
 * the lock, and is made only once every rank has reached the collective (an MPI_Ibarrier, polled like
 * any request, so this rank keeps serving its peers meanwhile; see {@link #enter}). On completion it
 * copies the received blocks back into the caller's array and returns its staging buffers to the pool.
 */
final class MpiCollRequest extends Request {
    private final OpenMpiTransport t;
    private final Comm comm;
    private final String name;
    private mpi.Request mpiRequest;
    private Staging in, out;

    // where the result goes: out's elements [displs[r], +counts[r]) -> recv[recvOffset + displs[r]]
    private Object recv;
    private ElementType type;
    private int recvOffset;
    private int[] counts, displs;

    MpiCollRequest(OpenMpiTransport t, Comm comm, String name) {
        super(ACTIVE);
        this.t = t;
        this.comm = comm;
        this.name = name;
    }

    /** Copies out[from, from + count) to recv[recvOffset + from] on completion. */
    MpiCollRequest result(Object recv, ElementType type, int recvOffset, int from, int count) {
        return results(recv, type, recvOffset, new int[]{count}, new int[]{from});
    }

    /** Copies each block r of out, [displs[r], +counts[r]), to recv[recvOffset + displs[r]] on completion. */
    MpiCollRequest results(Object recv, ElementType type, int recvOffset, int[] counts, int[] displs) {
        this.recv = recv;
        this.type = type;
        this.recvOffset = recvOffset;
        this.counts = counts;
        this.displs = displs;
        return this;
    }

    /**
     * Runs the operation on the given staging buffers: with {@code blocking} (a blocking call) by
     * {@code run}, to completion (outside the lock under MPI_THREAD_MULTIPLE, else under it once every
     * rank has reached the collective: {@link #enter}); otherwise starts it by {@code start}, under the
     * lock.
     */
    MpiCollRequest start(Staging in, Staging out, boolean blocking, MpiStart start, MpiRun run) {
        if (!blocking) return start(in, out, start);
        this.in = in;
        this.out = out;
        CohortException err = null;
        try {
            if (t.threadMultiple()) {
                run.run();
            } else {
                enter();
                synchronized (t.lock) {
                    run.run();
                }
            }
        } catch (MPIException e) {
            err = t.mpiError(comm, name, e);
        } catch (CohortException e) {
            err = e;
        }
        if (err == null) copyOut();
        finish(err);
        return this;
    }

    /**
     * Below MPI_THREAD_MULTIPLE, before a blocking collective that will hold the lock: waits, polling
     * like any request (so this rank keeps matching its receives and serving its rendezvous offers), in
     * an MPI_Ibarrier on the collective's communicator until every rank has reached the collective.
     * Without it a rank could hold the lock in MPI's blocking call while a peer, before it joins, waits
     * for something only this rank's Java code does (take the head of a long message sent to a receive
     * it posted earlier, answer a rendezvous offer, match a receive a synchronous send waits for), and
     * neither would return. Once every rank is in, the blocking call needs nothing but MPI's own
     * progress, which it makes itself; the rank's other threads wait for the lock until it returns.
     */
    private void enter() {
        mpi.Intracomm m = t.collectiveComm(comm);
        new MpiCollRequest(t, comm, name + " (every rank reaching it)").start(null, null, m::iBarrier).waitFor();
    }

    /**
     * Runs a blocking collective on the caller's own arrays through the native helper ({@link Pinned}),
     * to completion (as {@link #start(Staging, Staging, boolean, MpiStart, MpiRun)} runs a blocking
     * one): nothing to stage, nothing to copy back.
     */
    MpiCollRequest pinned(MpiRun run) {
        return start(null, null, true, null, run);
    }

    /** A blocking MPI collective. */
    @FunctionalInterface
    interface MpiRun {
        void run() throws MPIException;
    }

    /** Starts the MPI operation (under the transport's lock) with the given staging buffers. */
    MpiCollRequest start(Staging in, Staging out, MpiStart start) {
        this.in = in;
        this.out = out;
        try {
            synchronized (t.lock) {
                mpiRequest = start.start();
                t.tracking(this, true);
            }
        } catch (MPIException e) {
            finish(t.mpiError(comm, name, e));
        }
        return this;
    }

    /** An MPI call that starts a nonblocking collective. */
    @FunctionalInterface
    interface MpiStart {
        mpi.Request start() throws MPIException;
    }

    @Override
    protected boolean poll() {
        if (isComplete()) return true;
        boolean done;
        CohortException err = null;
        synchronized (t.lock) {
            mpi.Request r = mpiRequest;
            if (r == null) return isComplete();
            try {
                done = r.test();
            } catch (MPIException e) {
                done = true;
                err = t.mpiError(comm, name, e);
            }
            if (done) {
                mpiRequest = null;
                t.tracking(this, false);
            }
        }
        if (!done) {
            t.matchPending();
            return false;
        }
        if (err == null) copyOut();
        finish(err);
        return true;
    }

    private void copyOut() {
        if (recv == null) return;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) out.copyOut(displs[i], recv, type, recvOffset + displs[i], counts[i]);
        }
    }

    private void finish(CohortException err) {
        t.pool.give(in);
        if (out != in) t.pool.give(out);
        in = out = null;
        recv = null;
        resultSource = Comm.PROC_NULL;
        resultTag = Comm.ANY_TAG;
        resultError = err;
        complete();
    }

    @Override
    protected Comm comm() {
        return comm;
    }

    @Override
    protected ProgressEngine engine() {
        return t;
    }

    @Override
    public String describe() {
        return name + "(comm=" + comm.name() + ", Open MPI)";
    }

    @Override
    protected boolean doCancel() {
        return false;
    }
}
