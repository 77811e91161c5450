package dev.cohort.spi;

import dev.cohort.CohortException;
import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.ErrorClass;
import dev.cohort.PersistentRequest;

/**
 * For transports: a point-to-point send or receive and its request. It holds the arguments every
 * transport keeps (set by {@link #setArguments}), completes with a message's envelope, a send's
 * arguments, an error or a cancellation, and describes itself for error messages and deadlock
 * reports. A transport's op adds its own state (queues, staging) and implements start, cancel and
 * its progress engine. The argument fields belong to the transport that owns the op.
 */
public abstract class MessageOp extends PersistentRequest {
    private final boolean persistent;

    public Comm comm;
    public String op;
    public boolean isSend;
    public boolean sync;
    public Object buf;
    public ElementType type;
    public int offset;
    public int count;
    /** World rank of the peer; ANY_SOURCE for a wildcard receive. */
    public int peer;
    /** The Cohort tag; ANY_TAG for a wildcard receive. */
    public int tag;
    public int context;

    protected MessageOp(boolean persistent) {
        this.persistent = persistent;
    }

    /** Sets the arguments; a one-shot op becomes active at once (a persistent one waits for start()). */
    protected final void setArguments(Comm comm, String op, boolean isSend, boolean sync, Object buf, ElementType type,
                                      int offset, int count, int peer, int tag, int context) {
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
    }

    /** Completes a receive with the envelope of the message it took (payload: an object message's bytes). */
    public final void completeReceive(int source, int msgTag, int msgCount, ElementType msgType, Object payload) {
        resultSource = source;
        resultTag = msgTag;
        resultCount = msgCount;
        resultType = msgType;
        resultPayload = payload;
        complete();
    }

    /** Completes a send; its status reports the destination, tag and count. */
    public final void completeSend() {
        resultSource = peer;
        resultTag = tag;
        resultCount = count;
        resultType = type;
        complete();
    }

    /** Completes the op with an error, thrown by await / test. */
    public final void fail(CohortException e) {
        resultError = e;
        complete();
    }

    /** Completes an op withdrawn before it matched. */
    public final void completeCancelled() {
        resultCancelled = true;
        resultSource = Comm.PROC_NULL;
        resultTag = Comm.ANY_TAG;
        complete();
    }

    /**
     * Why a message cannot go into this receive, or null when it fits (two compares when it does, so
     * it can sit on every transport's receive path): a buffer message into an object receive or the
     * reverse, another element type, or more elements than the receive allows. The message is left
     * where it is; the error says so.
     *
     * @param msgSource world rank of the message's sender
     * @param me        world rank of the receiving rank, for the exception
     */
    public final CohortException mismatch(ElementType msgType, int msgCount, int msgSource, int msgTag, int me) {
        if (msgType == type && (msgType == ElementType.OBJECT || msgCount <= count)) return null;
        String where = "rank " + comm.rank() + ": " + describe() + ": ";
        String msg = "the message from rank " + comm.commRankOf(msgSource) + " with tag " + msgTag;
        if (type == ElementType.OBJECT) {
            return new CohortException(ErrorClass.TYPE, me, where + msg + " holds " + msgCount + " " + msgType
                    + " (a buffer message); receive it with a " + msgType.name().toLowerCase(java.util.Locale.ROOT)
                    + " buffer. The message was not consumed");
        }
        if (msgType == ElementType.OBJECT) {
            return new CohortException(ErrorClass.TYPE, me, where + msg
                    + " is an object message; receive it with recvObject. The message was not consumed");
        }
        if (msgType != type) {
            return new CohortException(ErrorClass.TYPE, me, where + msg + " holds " + msgCount + " " + msgType
                    + " but the receive buffer holds " + type + ". The message was not consumed");
        }
        return new CohortException(ErrorClass.TRUNCATE, me, where + msg + " holds " + msgCount + " " + msgType
                + ", more than the " + count + " the receive allows. The message was not consumed");
    }

    /** Drops a one-shot op's buffer once finished, so it does not pin it; a persistent one keeps it for the next start. */
    @Override
    protected void onFinish() {
        if (!persistent) buf = null;
    }

    @Override
    protected final boolean isPersistent() {
        return persistent;
    }

    @Override
    protected final Comm comm() {
        return comm;
    }

    @Override
    public final String describe() {
        StringBuilder sb = new StringBuilder(op).append('(');
        String peerName = isSend ? "dest" : "source";
        if (peer == Comm.ANY_SOURCE) sb.append(peerName).append("=ANY_SOURCE");
        else sb.append(peerName).append('=').append(comm == null ? peer : comm.commRankOf(peer));
        sb.append(", tag=").append(tag == Comm.ANY_TAG ? "ANY_TAG" : String.valueOf(tag));
        if (type != ElementType.OBJECT) sb.append(", count=").append(count).append(' ').append(type);
        sb.append(", comm=").append(comm == null ? "?" : comm.name());
        describeMore(sb);
        return sb.append(')').toString();
    }

    /** Lets a transport add to {@link #describe()} before the closing parenthesis. */
    protected void describeMore(StringBuilder sb) {
    }
}
