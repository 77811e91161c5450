package dev.cohort.spi;

import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.Op;
import dev.cohort.Request;

/**
 * The collective operations of one communicator. Every method starts the operation and returns its
 * request (blocking calls await it), so nonblocking collectives mix with point-to-point requests.
 *
 * <p>Arguments arrive checked by {@link Comm}: ranks and roots are valid, count and displacement arrays
 * have one entry per rank and lie inside their buffers, the operation supports the type. Buffers are
 * primitive arrays, or ByteBuffers for operations that do not reduce. A send buffer of {@code null}
 * means in place: the input is already in the receive buffer where MPI_IN_PLACE would put it. Buffers
 * that only matter at the root may be null elsewhere.
 */
public interface CollectiveEngine {
    /**
     * The engine for calls whose caller waits for the request at once (the blocking API). It may run
     * each operation to completion before returning its request, as a native transport does with the
     * MPI library's blocking collectives, which are faster than its nonblocking ones. The engine
     * itself must not block that way: nonblocking calls return before other ranks have joined.
     * Both engines of a communicator start collectives in the order the rank calls them.
     */
    default CollectiveEngine forBlockingCalls() {
        return this;
    }

    /**
     * For engines that stage v-collectives: the elements {@code counts} and {@code displs} cover from
     * the buffer's offset (the end of the furthest non-empty block).
     */
    static int span(int[] counts, int[] displs) {
        long s = 0;
        for (int i = 0; i < counts.length; i++) if (counts[i] > 0) s = Math.max(s, (long) displs[i] + counts[i]);
        return (int) s;
    }

    Request barrier();

    Request bcast(Object buf, ElementType t, int offset, int count, int root);

    Request reduce(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op, int root);

    Request allreduce(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op);

    /** Inclusive prefix reduction in rank order. */
    Request scan(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op);

    /** Exclusive prefix reduction: rank 0's receive buffer is left unchanged. */
    Request exscan(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op);

    /** Rank r's {@code sendCount} elements land at {@code recv[recvOffset + displs[r]]} on the root. */
    Request gatherv(Object send, int sendOffset, int sendCount, Object recv, int recvOffset, int[] counts, int[] displs,
                    ElementType t, int root);

    /** The root's {@code send[sendOffset + displs[r]]} block of {@code counts[r]} goes to rank r. */
    Request scatterv(Object send, int sendOffset, int[] counts, int[] displs, Object recv, int recvOffset, int recvCount,
                     ElementType t, int root);

    Request allgatherv(Object send, int sendOffset, int sendCount, Object recv, int recvOffset, int[] counts,
                       int[] displs, ElementType t);

    Request alltoallv(Object send, int sendOffset, int[] sendCounts, int[] sendDispls, Object recv, int recvOffset,
                      int[] recvCounts, int[] recvDispls, ElementType t);

    /** Reduces {@code sum(counts)} elements and leaves block r (counts[r] elements) on rank r. */
    Request reduceScatter(Object send, int sendOffset, Object recv, int recvOffset, int[] counts, ElementType t, Op op);
}
