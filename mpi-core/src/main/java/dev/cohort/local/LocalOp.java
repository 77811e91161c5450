package dev.cohort.local;

import dev.cohort.Comm;
import dev.cohort.CohortException;
import dev.cohort.ElementType;
import dev.cohort.PersistentRequest;
import dev.cohort.spi.ProgressEngine;

/**
 * A send or receive on the local transport, and its request. Ops are completed by whichever thread
 * matches them (the peer's, usually), which writes the result and then flips the volatile state.
 * Persistent ops and a rank's blocking ops are re-armed and reused.
 */
final class LocalOp extends PersistentRequest {
    final LocalTransport owner;
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

    /** Link in the mailbox's posted-receive queue. */
    LocalOp next;
    /** For a waiting rendezvous send: its message in the destination's mailbox (for cancel). */
    Message pendingMessage;
    /** A receive that a sender refused (type or size), failed once the mailbox lock is released. */
    CohortException pendingError;

    LocalOp(LocalTransport owner, boolean persistent) {
        this.owner = owner;
        this.persistent = persistent;
    }

    /** Sets the arguments; a non-persistent op becomes active at once. */
    LocalOp arm(Comm comm, String op, boolean isSend, boolean sync, Object buf, ElementType type, int offset, int count,
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
        this.pendingMessage = null;
        if (!persistent) {
            rearm();
            state = ACTIVE;
        }
        return this;
    }

    boolean accepts(int source, int msgTag, int msgContext) {
        return context == msgContext
                && (peer == Comm.ANY_SOURCE || peer == source)
                && (tag == Comm.ANY_TAG || tag == msgTag);
    }

    /** Completes a receive with a message's envelope. */
    void completeReceive(int source, int msgTag, int msgCount, ElementType msgType, Object payload) {
        resultSource = source;
        resultTag = msgTag;
        resultCount = msgCount;
        resultType = msgType;
        resultPayload = payload;
        complete();
    }

    /** Completes a send. */
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

    /** Drops references to user buffers once a one-shot op is finished, so it does not pin them. */
    @Override
    protected void onFinish() {
        pendingMessage = null;
        if (!persistent) buf = null;
    }

    /** Freeing a pending send lets it complete; freeing a pending receive withdraws it. */
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
        int r = peer;
        String peerName = isSend ? "dest" : "source";
        if (r == Comm.ANY_SOURCE) sb.append(peerName).append("=ANY_SOURCE");
        else sb.append(peerName).append('=').append(comm == null ? r : commRank(r));
        sb.append(", tag=").append(tag == Comm.ANY_TAG ? "ANY_TAG" : String.valueOf(tag));
        if (type != ElementType.OBJECT) sb.append(", count=").append(count).append(' ').append(type);
        sb.append(", comm=").append(comm == null ? "?" : comm.name()).append(')');
        return sb.toString();
    }

    private int commRank(int worldRank) {
        return owner.commRank(comm, worldRank);
    }
}
