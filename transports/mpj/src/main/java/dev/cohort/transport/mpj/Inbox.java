package dev.cohort.transport.mpj;

import dev.cohort.ElementType;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The ranks' message queues on MPJ's multicore device, where every rank is a thread of one JVM: a
 * send puts a copy of its data (or, from {@code cohort.mpj.handoffBytes} on, its {@link Handoff}
 * offer's key) straight into the receiver's inbox, and the receiver takes it from there into the
 * transport's matching, as it would take a message off MPJ.
 *
 * <p>Why not MPJ: on this device each of MPJ's sends and receives packs into a buffer it allocates and
 * frees, and matches under one monitor that every rank of the JVM shares; finding a message takes an
 * Iprobe under that monitor and then a Recv, which matches again. A waiting rank that probed in a loop
 * held up the rank it waited for, so it had to yield its core after every empty probe (a system call
 * each time). An 8-byte ping-pong took 5.0-5.3 us that way, against MPJ Express's own 18-19 us; here a
 * waiting rank polls a queue that no other rank locks.
 *
 * <p>Every point-to-point message of a multicore job goes this way (data, handoff control messages,
 * sync acknowledgements), so each sender's messages reach a receiver in the order they were sent, as
 * MPI's non-overtaking rule asks. MPJ still starts the ranks, runs MPI.Init and MPI.Finalize, and ends
 * the job on abort. The ranks' classes come from class loaders of their own, so the queues and what
 * travels in them are the JDK's types: one {@link ConcurrentLinkedQueue} per rank, shared through
 * {@link Handoff}'s registry, holding {@code Object[]} messages of {@link #SOURCE}, {@link #WIRE_TAG}
 * and {@link #COUNT} (Integers) and {@link #DATA}: the payload array (a copy the receiver may keep),
 * the handoff's {@code long[]} of key, count and element type, or null for an acknowledgement.
 */
final class Inbox {
    /** Positions in a message. */
    static final int SOURCE = 0, WIRE_TAG = 1, COUNT = 2, DATA = 3;

    private final Object[] queues;
    private final ConcurrentLinkedQueue<Object[]> mine;

    @SuppressWarnings("unchecked")
    Inbox(Object[] queues, int rank) {
        if (rank >= queues.length) throw new IllegalArgumentException(queues.length + " inboxes, not rank " + rank);
        this.queues = queues;
        this.mine = (ConcurrentLinkedQueue<Object[]>) queues[rank];
    }

    /**
     * Rank {@code rank}'s inbox among {@code size} ranks of the multicore device, or null when
     * {@code cohort.mpj.inbox} is false (messages then go through MPJ) or the JVM's registry holds
     * something else.
     */
    static Inbox open(int rank, int size) {
        if (!Boolean.parseBoolean(System.getProperty("cohort.mpj.inbox", "true"))) return null;
        Object[] queues = Handoff.inboxes(size);
        return queues == null ? null : new Inbox(queues, rank);
    }

    /** The queues of a job of {@code size} ranks. */
    static Object[] newQueues(int size) {
        Object[] q = new Object[size];
        for (int i = 0; i < size; i++) q[i] = new ConcurrentLinkedQueue<Object[]>();
        return q;
    }

    /** Puts a message into rank {@code dest}'s inbox. */
    @SuppressWarnings("unchecked")
    void post(int dest, int source, int wireTag, int count, Object data) {
        ((ConcurrentLinkedQueue<Object[]>) queues[dest]).offer(new Object[]{source, wireTag, count, data});
    }

    /** The oldest message in this rank's inbox, taken out of it; null when there is none. */
    Object[] take() {
        return mine.poll();
    }

    /**
     * A copy of elements {@code offset} to {@code offset + count} of a send's buffer: an array of
     * {@code type} (a byte[] for a ByteBuffer, whose offset and count address its whole capacity).
     */
    static Object copyOf(Object buf, ElementType type, int offset, int count) {
        Object copy = type.newArray(count);
        if (buf instanceof ByteBuffer) MpjTransport.window((ByteBuffer) buf, offset).get((byte[]) copy, 0, count);
        else System.arraycopy(buf, offset, copy, 0, count);
        return copy;
    }
}
