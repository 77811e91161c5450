package dev.cohort.transport.openmpi;

import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.spi.MessageOp;
import dev.cohort.spi.ProgressEngine;

/**
 * A send or receive on the Open MPI transport, and its request. A send is an MPI_Isend of a staged
 * copy (or of the caller's direct buffer; a long one is a head and chunks, see
 * {@link OpenMpiTransport}); a receive waits in the transport's queue of posted receives until a
 * probe finds a message that fits it (see {@link OpenMpiTransport#matchPending()}), or, for a short
 * blocking receive, is posted to MPI ahead of the message. Persistent ops and a thread's blocking ops
 * are re-armed and reused.
 */
final class MpiOp extends MessageOp {
    final OpenMpiTransport owner;


    /**
     * For a started send: the MPI request (of the head, for a long message), the requests of a long
     * message's chunks, and the staging buffers they read (a long message's head is staged apart from
     * the rest, so a power-of-two message takes a power-of-two block). For a receive posted ahead: its
     * MPI_Irecv (null once it completed or was withdrawn).
     */
    mpi.Request mpiRequest;
    mpi.Request[] chunks;
    Staging staging;
    Staging headStaging;
    /** For a long send by rendezvous: its offer's id (see {@link Pinned#offer}) until the rest is sent; else 0. */
    int rendezvous;
    /** The block of a receive posted ahead (a thread's blocking receive op keeps it while it is reused). */
    Staging ahead;
    /** For a posted receive: polls so far (the type-mismatch check runs now and then). */
    int polls;
    /** For a receive: started by a blocking call, whose thread alone polls it. */
    boolean blocking;
    /**
     * For a thread's reused blocking receive: the mpi.Request its receives posted ahead go through,
     * each into it once the one before is done with it (MPI_REQUEST_NULL; {@link Pinned#irecvTest});
     * null before the first, and after an MPI error.
     */
    mpi.Request spare;

    MpiOp(OpenMpiTransport owner, boolean persistent) {
        super(persistent);
        this.owner = owner;
    }

    MpiOp arm(Comm comm, String op, boolean isSend, boolean sync, Object buf, ElementType type, int offset, int count,
              int peer, int tag, int context) {
        this.mpiRequest = null;
        this.chunks = null;
        this.rendezvous = 0;
        this.staging = null;
        this.headStaging = null;
        this.polls = 0;
        setArguments(comm, op, isSend, sync, buf, type, offset, count, peer, tag, context);
        return this;
    }

    @Override
    protected boolean poll() {
        if (state == COMPLETE) return true;
        if (isSend) owner.pollSend(this);
        else if (mpiRequest != null) owner.pollAhead(this);
        else owner.matchPending();
        if (state == COMPLETE) return true;
        owner.progressOthers();
        return state == COMPLETE;
    }

    /** Freeing a pending send lets it complete (MPI still reads its buffer); freeing a receive withdraws it. */
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
