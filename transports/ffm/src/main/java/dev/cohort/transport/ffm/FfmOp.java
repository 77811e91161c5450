package dev.cohort.transport.ffm;

import dev.cohort.CohortException;
import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.PersistentRequest;
import dev.cohort.spi.ProgressEngine;

import java.lang.foreign.MemorySegment;

/**
 * A send or receive of the FFM transport and its request. A send is an MPI_Isend (or MPI_Issend) of
 * a pooled native copy of the data, completed by MPI_Test; a receive waits in the transport's
 * matching queue until a probed message fits it, then MPI_Mrecv writes straight into its buffer.
 * Results are written under the transport's lock before the volatile state flips.
 */
final class FfmOp extends PersistentRequest {
    final FfmTransport owner;
    private final boolean persistent;

    Comm comm;
    String op;
    boolean isSend;
    boolean sync;
    Object buf;
    ElementType type;
    int offset;
    int count;
    int peer;      // world rank, or ANY_SOURCE for receives
    int tag;
    int context;

    /** A started send: its pooled native block (request handle, status, data) until MPI_Test says done. */
    MemorySegment staging;
    /** True while a receive waits in its context's posted queue. */
    boolean posted;

    FfmOp(FfmTransport owner, boolean persistent) {
        this.owner = owner;
        this.persistent = persistent;
    }

    FfmOp arm(Comm comm, String op, boolean isSend, boolean sync, Object buf, ElementType type, int offset, int count,
              int peer, int tag, int context) {
        this.comm = comm;
        this.op = op;
        this.isSend = isSend;
        this.sync = sync;
        this.buf = buf;
        this.type = type;
        this.offset = offset;
        this.count = count;
        this.peer = peer;
        this.tag = tag;
        this.context = context;
        if (!persistent) {
            rearm();
            state = ACTIVE;
        }
        return this;
    }

    boolean accepts(int source, int msgTag) {
        return (peer == Comm.ANY_SOURCE || peer == source) && (tag == Comm.ANY_TAG || tag == msgTag);
    }

    boolean isFreed() {
        return state == FREED;
    }

    void completeReceive(int source, int msgTag, int msgCount, ElementType msgType, Object payload) {
        resultSource = source;
        resultTag = msgTag;
        resultCount = msgCount;
        resultType = msgType;
        resultPayload = payload;
        complete();
    }

    void completeSend() {
        resultSource = peer;
        resultTag = tag;
        resultCount = count;
        resultType = type;
        if (state != FREED) complete();
    }

    void fail(CohortException e) {
        resultError = e;
        if (state != FREED) complete();
    }

    void completeCancelled() {
        resultCancelled = true;
        resultSource = Comm.PROC_NULL;
        resultTag = Comm.ANY_TAG;
        complete();
    }

    @Override
    protected boolean poll() {
        if (state == COMPLETE) return true;
        owner.progress();
        return state == COMPLETE;
    }

    @Override
    protected void onFinish() {
        if (!persistent) buf = null;
    }

    @Override
    protected boolean isPersistent() {
        return persistent;
    }

    @Override
    protected void doStart() {
        if (isSend) owner.startSend(this);
        else owner.startRecv(this);
    }

    @Override
    protected Comm comm() {
        return comm;
    }

    @Override
    protected ProgressEngine engine() {
        return owner;
    }

    @Override
    protected boolean doCancel() {
        return owner.cancel(this);
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder(op).append('(');
        String peerName = isSend ? "dest" : "source";
        if (peer == Comm.ANY_SOURCE) sb.append(peerName).append("=ANY_SOURCE");
        else sb.append(peerName).append('=').append(comm == null ? peer : comm.commRankOf(peer));
        sb.append(", tag=").append(tag == Comm.ANY_TAG ? "ANY_TAG" : String.valueOf(tag));
        if (type != ElementType.OBJECT) sb.append(", count=").append(count).append(' ').append(type);
        sb.append(", comm=").append(comm == null ? "?" : comm.name());
        if (comm != null) sb.append(", rank ").append(comm.rank());
        sb.append(')');
        return sb.toString();
    }
}
