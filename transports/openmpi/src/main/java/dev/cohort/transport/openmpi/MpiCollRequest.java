package dev.cohort.transport.openmpi;

import dev.cohort.CohortException;
import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.Request;
import dev.cohort.spi.ProgressEngine;
import mpi.MPIException;

/**
 * An MPI collective on staged buffers: nonblocking (MPI_I..., tested under the transport's lock), or,
 * for the blocking API under MPI_THREAD_MULTIPLE, the blocking MPI call, made outside the lock so that
 * the rank's other threads keep sending and receiving meanwhile. On completion it copies the received
 * blocks back into the caller's array and returns its staging buffers to the pool.
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
     * Runs the operation on the given staging buffers: with {@code blocking} (a blocking call under
     * MPI_THREAD_MULTIPLE) by {@code run}, to completion, outside the lock; otherwise starts it by
     * {@code start}, under the lock.
     */
    MpiCollRequest start(Staging in, Staging out, boolean blocking, MpiStart start, MpiRun run) {
        if (!blocking) return start(in, out, start);
        this.in = in;
        this.out = out;
        CohortException err = null;
        try {
            run.run();
        } catch (MPIException e) {
            err = t.mpiError(comm, name, e);
        }
        if (err == null) copyOut();
        finish(err);
        return this;
    }

    /**
     * Runs a blocking collective on the caller's own arrays through the native helper ({@link Pinned}),
     * to completion, outside the lock: nothing to stage, nothing to copy back.
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
