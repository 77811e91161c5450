package dev.cohort.spi;

import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.PersistentRequest;
import dev.cohort.Request;
import dev.cohort.Status;

/**
 * One rank's view of a transport: point-to-point messages between world ranks, matched on
 * (source, tag, context id). Communicators, groups, argument checking and the object codec live in
 * core; a transport moves elements and matches envelopes.
 *
 * <p>Arguments arrive checked: buffers are non-null with offset + count inside them, ranks are world
 * ranks (or {@link Comm#ANY_SOURCE} for receives), tags are valid (or {@link Comm#ANY_TAG}). The
 * {@code comm} argument is the communicator the operation belongs to; requests report it and use it to
 * translate ranks.
 *
 * <p>Element type OBJECT carries an object's encoding: a send hands the byte[] over to the transport
 * (the sender never touches it again), and a receive with a null buffer makes the request's payload
 * the received byte[]. On a transport that {@link #sharesHeap() shares the heap}, the payload of an
 * object message may instead be an Object[] (core's tape of the message, see
 * {@link dev.cohort.codec.ObjectCopier}), handed over the same way.
 */
public interface Transport extends AutoCloseable {
    /** World rank of this process or thread. */
    int rank();

    /** Number of world ranks. */
    int size();

    /** Transport name, e.g. "local". */
    String name();

    /** Largest valid tag. */
    int tagUpperBound();

    /** Name of the host this rank runs on. */
    String processorName();

    /**
     * True when every rank of this transport lives in this JVM, so that an object message may carry
     * object references (the copier's tape, rebuilt by the receiver) instead of an encoding.
     */
    default boolean sharesHeap() {
        return false;
    }

    /** Starts a send (synchronous-mode when {@code sync}: it completes only once a receive matched it). */
    Request isend(Comm comm, Object buf, ElementType type, int offset, int count, int dest, int tag, int context,
                  boolean sync);

    /** Starts a receive. */
    Request irecv(Comm comm, Object buf, ElementType type, int offset, int count, int source, int tag, int context);

    /** A persistent send, started by {@link PersistentRequest#start()}. */
    PersistentRequest sendInit(Comm comm, Object buf, ElementType type, int offset, int count, int dest, int tag,
                               int context, boolean sync);

    /** A persistent receive. */
    PersistentRequest recvInit(Comm comm, Object buf, ElementType type, int offset, int count, int source, int tag,
                               int context);

    /** Blocking send; transports override it to avoid allocating a request. */
    default void send(Comm comm, Object buf, ElementType type, int offset, int count, int dest, int tag, int context,
                      boolean sync) {
        isend(comm, buf, type, offset, count, dest, tag, context, sync).await();
    }

    /** Blocking receive. */
    default Status recv(Comm comm, Object buf, ElementType type, int offset, int count, int source, int tag,
                        int context) {
        return irecv(comm, buf, type, offset, count, source, tag, context).await();
    }

    /**
     * Blocking receive of an object message: returns the completed request, whose status and payload
     * may be read until the calling thread's next call on this transport. Transports override it to
     * reuse one request instead of allocating.
     */
    default Request recvObject(Comm comm, int source, int tag, int context) {
        Request r = irecv(comm, null, ElementType.OBJECT, 0, 0, source, tag, context);
        r.await();
        return r;
    }

    /** The envelope of the first message that a receive with these arguments would match, or null. */
    Status iprobe(Comm comm, int source, int tag, int context);

    /** Blocks until a matching message is there and returns its envelope. */
    Status probe(Comm comm, int source, int tag, int context);

    /** The rank's progress engine (idle strategy hooks, abort checks). */
    ProgressEngine engine();

    /**
     * Ends the whole job because of {@code cause} on this rank: other ranks' operations fail promptly.
     * Native transports call MPI_Abort.
     */
    void abort(Throwable cause);

    /**
     * A new communicator exists (dup, split, create, createCart, sub): called on every member, in the
     * same order on all of them, right after its context ids were agreed. Native transports create the
     * matching MPI communicator here. World (context 0) is not announced.
     */
    default void commCreated(Comm comm) {
    }

    /** A communicator was freed on this rank. */
    default void commFreed(Comm comm) {
    }

    /**
     * The program's own arguments: {@code given} (what main received) less any the launcher added for
     * itself. MPJ Express, for example, puts its rank, size or configuration, and device in front of
     * the program's arguments; its transport returns what MPI.Init left over. Called once, by
     * {@code Cohort.init}, right after the transport was opened with the same arguments.
     */
    default String[] applicationArgs(String[] given) {
        return given;
    }

    /** An optional capability (shared memory, native collectives), or null. */
    default <T> T capability(Class<T> type) {
        return null;
    }

    /** Finishes this rank's use of the transport. */
    @Override
    void close();
}
