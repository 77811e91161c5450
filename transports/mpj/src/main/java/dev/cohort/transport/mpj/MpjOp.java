package dev.cohort.transport.mpj;

import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.spi.MessageOp;
import dev.cohort.spi.ProgressEngine;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A send or receive on the MPJ transport, and its request. A receive waits in the transport's posted
 * list until a message matches it; a send holds its MPJ request until MPJ completes it, and a sync
 * send also waits for the receiver's acknowledgement. Fields are guarded by the transport's lock;
 * completion publishes them through the request's volatile state.
 */
final class MpjOp extends MessageOp {
    final MpjTransport owner;


    /** Link in the posted-receive list. */
    MpjOp next;
    /** A send's MPJ request while MPJ has not completed it. */
    mpi.Request mpjRequest;
    /** A sync send that has not been acknowledged yet. */
    boolean ackPending;
    /** Staging copy of a direct ByteBuffer for a send, kept until MPJ is done with it. */
    byte[] staged;
    /** A handed-off send's flag: set by the receive that copied the buffer ({@link Handoff}). */
    AtomicBoolean handoffDone;

    MpjOp(MpjTransport owner, boolean persistent) {
        super(persistent);
        this.owner = owner;
    }

    MpjOp arm(Comm comm, String op, boolean isSend, boolean sync, Object buf, ElementType type, int offset, int count,
              int peer, int tag, int context) {
        this.next = null;
        this.mpjRequest = null;
        this.ackPending = false;
        this.staged = null;
        this.handoffDone = null;
        setArguments(comm, op, isSend, sync, buf, type, offset, count, peer, tag, context);
        return this;
    }

    /** Whether a message with this envelope may go to this receive (its type and size are checked apart). */
    boolean accepts(int source, int msgTag, int contextSlot) {
        return WireTag.slot(context) == contextSlot
                && (peer == Comm.ANY_SOURCE || peer == source)
                && (tag == Comm.ANY_TAG || tag == msgTag);
    }

    /** Also drops the staging copy of a finished send. */
    @Override
    protected void onFinish() {
        super.onFinish();
        staged = null;
    }

    /** free() lets a pending send finish (MPJ has it already); a pending receive is withdrawn. */
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
