package dev.cohort.local;

import dev.cohort.Comm;
import dev.cohort.CohortException;
import dev.cohort.ElementType;
import dev.cohort.spi.MessageOp;
import dev.cohort.spi.ProgressEngine;

/**
 * A send or receive on the local transport, and its request. Ops are completed by whichever thread
 * matches them (the peer's, usually), which writes the result and then flips the volatile state.
 * Persistent ops and a rank's blocking ops are re-armed and reused.
 */
final class LocalOp extends MessageOp {
    final LocalTransport owner;

    /** Link in the mailbox's posted-receive queue. */
    LocalOp next;
    /** For a waiting rendezvous send: its message in the destination's mailbox (for cancel). */
    Message pendingMessage;
    /** A receive that a sender refused (type or size), failed once the mailbox lock is released. */
    CohortException pendingError;

    LocalOp(LocalTransport owner, boolean persistent) {
        super(persistent);
        this.owner = owner;
    }

    /** Sets the arguments; a non-persistent op becomes active at once. */
    LocalOp arm(Comm comm, String op, boolean isSend, boolean sync, Object buf, ElementType type, int offset, int count,
                int peer, int tag, int context) {
        this.next = null;
        this.pendingMessage = null;
        setArguments(comm, op, isSend, sync, buf, type, offset, count, peer, tag, context);
        return this;
    }

    boolean accepts(int source, int msgTag, int msgContext) {
        return context == msgContext
                && (peer == Comm.ANY_SOURCE || peer == source)
                && (tag == Comm.ANY_TAG || tag == msgTag);
    }

    @Override
    protected void onFinish() {
        super.onFinish();
        pendingMessage = null;
    }

    /** Freeing a pending send lets it complete; freeing a pending receive withdraws it. */
    @Override
    protected boolean cancelOnFree() {
        return !isSend;
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

    @Override
    protected boolean doCancel() {
        return owner.cancel(this);
    }
}
