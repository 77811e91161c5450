package dev.cohort.transport.openmpi;

import dev.cohort.CohortException;
import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.PersistentRequest;
import dev.cohort.spi.ProgressEngine;

/**
 * A send or receive on the Open MPI transport, and its request. A send is an MPI_Isend of a staged
 * copy (or of the caller's direct buffer); a receive waits in the transport's queue of posted
 * receives until a probe finds a message that fits it (see {@link OpenMpiTransport#matchPending()}).
 * Persistent ops and a thread's blocking ops are re-armed and reused.
 */
final class MpiOp extends PersistentRequest {
    final OpenMpiTransport owner;
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
    int tag;       // Cohort tag, or ANY_TAG
    int context;

    /** For a started send: the MPI request and the staging buffer it reads. */
    mpi.Request mpiRequest;
    Staging staging;
    /** For a posted receive: polls so far (the type-mismatch check runs now and then). */
    int polls;

    MpiOp(OpenMpiTransport owner, boolean persistent) {
        this.owner = owner;
        this.persistent = persistent;
    }

    MpiOp arm(Comm comm, String op, boolean isSend, boolean sync, Object buf, ElementType type, int offset, int count,
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
        this.mpiRequest = null;
        this.staging = null;
        this.polls = 0;
        if (!persistent) {
            rearm();
            state = ACTIVE;
        }
        return this;
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
        complete();
    }

    void fail(CohortException e) {
        resultError = e;
        complete();
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
        if (isSend) owner.pollSend(this);
        else owner.matchPending();
        if (state == COMPLETE) return true;
        owner.progressOthers();
        return state == COMPLETE;
    }

    @Override
    protected void onFinish() {
        if (!persistent) buf = null;   // a persistent op sends from / receives into the same buffer each start
    }

    /** Freeing a pending send lets it complete (MPI still reads its buffer); freeing a receive withdraws it. */
    @Override
    protected boolean cancelOnFree() {
        return !isSend;
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
        sb.append(", comm=").append(comm == null ? "?" : comm.name()).append(')');
        return sb.toString();
    }
}
