package dev.cohort.transport.ffm;

import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.spi.MessageOp;
import dev.cohort.spi.ProgressEngine;

import java.lang.foreign.MemorySegment;

/**
 * A send or receive of the FFM transport and its request. A send is an MPI_Isend (or MPI_Issend) of
 * a pooled native copy of the data, completed by MPI_Test; a receive waits in the transport's
 * matching queue until a probed message fits it, then MPI_Mrecv writes straight into its buffer.
 * Results are written under the transport's lock before the volatile state flips.
 */
final class FfmOp extends MessageOp {
    final FfmTransport owner;


    /** A started send: its pooled native block (request handle, status, data) until MPI_Test says done. */
    MemorySegment staging;
    /** True while a receive waits in its context's posted queue. */
    boolean posted;

    FfmOp(FfmTransport owner, boolean persistent) {
        super(persistent);
        this.owner = owner;
    }

    FfmOp arm(Comm comm, String op, boolean isSend, boolean sync, Object buf, ElementType type, int offset, int count,
              int peer, int tag, int context) {
        setArguments(comm, op, isSend, sync, buf, type, offset, count, peer, tag, context);
        return this;
    }

    boolean accepts(int source, int msgTag) {
        return (peer == Comm.ANY_SOURCE || peer == source) && (tag == Comm.ANY_TAG || tag == msgTag);
    }

    boolean isFreed() {
        return state == FREED;
    }

    @Override
    protected boolean poll() {
        if (state == COMPLETE) return true;
        owner.progress();
        return state == COMPLETE;
    }

    @Override
    protected void doStart() {
        if (isSend) owner.startSend(this);
        else owner.startRecv(this);
    }

    @Override
    protected ProgressEngine engine() {
        return owner;
    }

    /** FFM's descriptions also name this rank. */
    @Override
    protected void describeMore(StringBuilder sb) {
        if (comm != null) sb.append(", rank ").append(comm.rank());
    }

    @Override
    protected boolean doCancel() {
        return owner.cancel(this);
    }
}
