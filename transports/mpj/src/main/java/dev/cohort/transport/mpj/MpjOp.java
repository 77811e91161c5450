package dev.cohort.transport.mpj;

import dev.cohort.CohortException;
import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.PersistentRequest;
import dev.cohort.spi.ProgressEngine;

/**
 * A send or receive on the MPJ transport, and its request. A receive waits in the transport's posted
 * list until a message matches it; a send holds its MPJ request until MPJ completes it, and a sync
 * send also waits for the receiver's acknowledgement. Fields are guarded by the transport's lock;
 * completion publishes them through the request's volatile state.
 */
final class MpjOp extends PersistentRequest {
    final MpjTransport owner;
    private final boolean persistent;

    Comm comm;
    String op;
    boolean isSend;
    boolean sync;
    Object buf;
    ElementType type;
    int offset;
    int count;
    int peer;      // world rank; ANY_SOURCE for receives
    int tag;       // ANY_TAG for receives
    int context;

    /** Link in the posted-receive list. */
    MpjOp next;
    /** A send's MPJ request while MPJ has not completed it. */
    mpi.Request mpjRequest;
    /** A sync send that has not been acknowledged yet. */
    boolean ackPending;
    /** Staging copy of a direct ByteBuffer for a send, kept until MPJ is done with it. */
    byte[] staged;

    MpjOp(MpjTransport owner, boolean persistent) {
        this.owner = owner;
        this.persistent = persistent;
    }

    MpjOp arm(Comm comm, String op, boolean isSend, boolean sync, Object buf, ElementType type, int offset, int count,
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
        this.next = null;
        this.mpjRequest = null;
        this.ackPending = false;
        this.staged = null;
        if (!persistent) {
            rearm();
            state = ACTIVE;
        }
        return this;
    }

    /** Whether a message with this envelope may go to this receive (its type and size are checked apart). */
    boolean accepts(int source, int msgTag, int contextSlot) {
        return WireTag.slot(context) == contextSlot
                && (peer == Comm.ANY_SOURCE || peer == source)
                && (tag == Comm.ANY_TAG || tag == msgTag);
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

    /** Drops the reference to a one-shot request's buffer once finished; a persistent one keeps it for the next start. */
    @Override
    protected void onFinish() {
        if (!persistent) buf = null;
        staged = null;
    }

    /** free() lets a pending send finish (MPJ has it already); a pending receive is withdrawn. */
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
