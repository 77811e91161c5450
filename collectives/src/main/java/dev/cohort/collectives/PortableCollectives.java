package dev.cohort.collectives;

import dev.cohort.ElementType;
import dev.cohort.Op;
import dev.cohort.Request;
import dev.cohort.spi.Channel;
import dev.cohort.spi.CollectiveEngine;

/**
 * The collective engine of one communicator over point-to-point. Each collective call takes the next
 * tag of the communicator's collective sequence (all ranks call collectives in the same order), so
 * collectives in flight at the same time never match each other's messages.
 *
 * <p>Choices: barrier by dissemination; bcast by binomial tree, or scatter + ring allgather for large
 * messages on more than two ranks; reduce by binomial tree (rank-ordered for non-commutative ops);
 * allreduce by recursive doubling, or a ring reduce-scatter + allgather for large commutative ones;
 * scan and exscan by recursive doubling; gather(v) and scatter(v) linear from the root; allgather(v)
 * by ring; alltoall(v) by pairwise exchange; reduceScatter by ring (commutative) or allreduce.
 */
final class PortableCollectives implements CollectiveEngine {
    /** Bytes above which bcast and allreduce switch to their bandwidth-optimal (ring) algorithms. */
    static final long LARGE = Long.getLong("cohort.coll.largeBytes", 64 * 1024);

    private final Channel ch;
    private int sequence;

    PortableCollectives(Channel ch) {
        this.ch = ch;
    }

    /**
     * The next collective's tag: the sequence wraps at the transport's tag upper bound (MPJ Express
     * carries 16 bits of tag, Open MPI's Java transport 23): past it the tag would spill into the bits
     * the transport packs beside it and messages would go astray. Tags of collectives in flight at the
     * same time still differ, since never anywhere near that many are.
     */
    private synchronized int nextTag() {
        int t = sequence;
        sequence = t >= ch.transport().tagUpperBound() ? 0 : t + 1;
        return t;
    }

    private static boolean large(int count, ElementType t) {
        return (long) count * t.size() >= LARGE;
    }

    @Override
    public Request barrier() {
        return new Trees.Barrier(ch, nextTag()).begin();
    }

    @Override
    public Request bcast(Object buf, ElementType t, int offset, int count, int root) {
        int n = ch.comm().size();
        if (n > 2 && large(count, t) && count >= n) {
            return new Trees.ScatterAllgatherBcast(ch, nextTag(), buf, t, offset, count, root).begin();
        }
        return new Trees.BinomialBcast(ch, nextTag(), buf, t, offset, count, root).begin();
    }

    @Override
    public Request reduce(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op, int root) {
        return new Trees.BinomialReduce(ch, nextTag(), send, sendOffset, recv, recvOffset, count, t, op, root).begin();
    }

    @Override
    public Request allreduce(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op) {
        int n = ch.comm().size();
        if (op.isCommutative() && !op.isLoc() && n > 1 && large(count, t) && count >= n) {
            return new Reductions.RingAllreduce(ch, nextTag(), send, sendOffset, recv, recvOffset, count, t, op).begin();
        }
        return new Reductions.RecursiveDoublingAllreduce(ch, nextTag(), send, sendOffset, recv, recvOffset, count, t, op).begin();
    }

    @Override
    public Request scan(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op) {
        return new Reductions.Scan(ch, nextTag(), send, sendOffset, recv, recvOffset, count, t, op, false).begin();
    }

    @Override
    public Request exscan(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op) {
        return new Reductions.Scan(ch, nextTag(), send, sendOffset, recv, recvOffset, count, t, op, true).begin();
    }

    @Override
    public Request gatherv(Object send, int sendOffset, int sendCount, Object recv, int recvOffset, int[] counts, int[] displs,
                           ElementType t, int root) {
        return new Exchanges.LinearGatherv(ch, nextTag(), send, sendOffset, sendCount, recv, recvOffset, counts, displs, t, root)
                .begin();
    }

    @Override
    public Request scatterv(Object send, int sendOffset, int[] counts, int[] displs, Object recv, int recvOffset, int recvCount,
                            ElementType t, int root) {
        return new Exchanges.LinearScatterv(ch, nextTag(), send, sendOffset, counts, displs, recv, recvOffset, recvCount, t, root)
                .begin();
    }

    @Override
    public Request allgatherv(Object send, int sendOffset, int sendCount, Object recv, int recvOffset, int[] counts, int[] displs,
                              ElementType t) {
        return new Exchanges.RingAllgatherv(ch, nextTag(), send, sendOffset, sendCount, recv, recvOffset, counts, displs, t).begin();
    }

    @Override
    public Request alltoallv(Object send, int sendOffset, int[] sendCounts, int[] sendDispls, Object recv, int recvOffset,
                             int[] recvCounts, int[] recvDispls, ElementType t) {
        return new Exchanges.PairwiseAlltoallv(ch, nextTag(), send, sendOffset, sendCounts, sendDispls, recv, recvOffset,
                recvCounts, recvDispls, t).begin();
    }

    @Override
    public Request reduceScatter(Object send, int sendOffset, Object recv, int recvOffset, int[] counts, ElementType t, Op op) {
        if (op.isCommutative() && !op.isLoc()) {
            return new Reductions.RingReduceScatter(ch, nextTag(), send, sendOffset, recv, recvOffset, counts, t, op).begin();
        }
        return new Reductions.AllreduceScatter(ch, nextTag(), send, sendOffset, recv, recvOffset, counts, t, op).begin();
    }
}
