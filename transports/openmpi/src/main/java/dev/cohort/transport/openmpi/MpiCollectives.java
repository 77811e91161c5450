package dev.cohort.transport.openmpi;

import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.Op;
import dev.cohort.Request;
import dev.cohort.collectives.PortableCollectivesProvider;
import dev.cohort.spi.Channel;
import dev.cohort.spi.CollectiveEngine;
import mpi.Datatype;
import mpi.Intracomm;
import mpi.MPI;

/**
 * The collectives of one communicator, run by Open MPI's nonblocking collectives (MPI_Ibcast,
 * MPI_Iallreduce, ...), or its blocking ones for blocking calls ({@link #forBlockingCalls()}), on the
 * communicator's collective-context MPI communicator. Buffers are staged
 * through pooled direct memory; data that is only moved goes as bytes. Reductions MPI cannot do for
 * Cohort (user-defined operations, MINLOC / MAXLOC pairs, byte, char and boolean elements) go to
 * the portable algorithms of the collectives module, over point-to-point on the same context.
 */
final class MpiCollectives implements CollectiveEngine {
    private final OpenMpiTransport t;
    private final Comm comm;
    private final Channel channel;
    /** Runs each collective by the blocking MPI call (the engine for blocking calls). */
    private final boolean blocking;
    /** The engine for nonblocking calls, whose portable engine this one shares; null on that engine itself. */
    private final MpiCollectives nonblocking;
    private volatile CollectiveEngine portable;
    private volatile MpiCollectives blockingTwin;

    MpiCollectives(OpenMpiTransport t, Comm comm, Channel channel) {
        this(t, comm, channel, null);
    }

    private MpiCollectives(OpenMpiTransport t, Comm comm, Channel channel, MpiCollectives nonblocking) {
        this.t = t;
        this.comm = comm;
        this.channel = channel;
        this.nonblocking = nonblocking;
        this.blocking = nonblocking != null;
    }

    /**
     * Blocking calls use Open MPI's blocking collectives (its tuned algorithms; the nonblocking ones of
     * libnbc took 1.35x as long for an allreduce of 1 Mi doubles and 2.7x for one double, in C here, and
     * progress only while tested). Under MPI_THREAD_MULTIPLE they run outside the transport's lock;
     * below it, from {@link #ENTRY_BYTES} on, they hold the lock, once every rank has reached the
     * collective ({@link MpiCollRequest}); see {@link #blockingCall}.
     */
    @Override
    public CollectiveEngine forBlockingCalls() {
        if (blocking) return this;
        MpiCollectives b = blockingTwin;
        if (b == null) blockingTwin = b = new MpiCollectives(t, comm, channel, this);
        return b;
    }

    /**
     * Whether a blocking call moving {@code bytes} bytes ({@link #COUNTS_DIFFER}: a count that differs
     * between ranks) runs as Open MPI's blocking collective. Under MPI_THREAD_MULTIPLE always, outside the lock.
     * Below it from {@link #ENTRY_BYTES} on, under the lock, once every rank has reached the call
     * ({@link MpiCollRequest}); a smaller call is the polled nonblocking collective, which needs no
     * such handshake. The choice rests on arguments every rank passes alike: MPI's blocking and
     * nonblocking collectives do not match each other.
     */
    private boolean blockingCall(long bytes) {
        return blocking && (t.threadMultiple() || bytes != COUNTS_DIFFER && bytes >= ENTRY_BYTES);
    }

    /** For {@link #blockingCall}: the rooted v-collectives and alltoallv, whose counts differ between ranks. */
    private static final long COUNTS_DIFFER = -1;

    /**
     * Below MPI_THREAD_MULTIPLE, blocking calls of at least this many bytes
     * ({@code -Dcohort.openmpi.entryBytes}) are MPI's blocking collective after an MPI_Ibarrier.
     * Paired allreduce runs at MPI_THREAD_SINGLE, 2026-12-04, against the bindings' blocking call on
     * direct buffers: the polled MPI_Iallreduce took 2.6x for one double (the handshake's way 4.2x),
     * the same for 128 doubles, and 1.45-1.50x against 1.23-1.24x for 1,024; at 64 Ki and 1 Mi doubles
     * it took 2.6x and 2.3x, the handshake's way 1.2x and 0.8-1.0x. Libnbc's algorithms fall behind with size
     * (an allreduce of 1 Mi doubles took 1.35x the blocking one in C here), and the handshake costs
     * a microsecond or two.
     */
    static final long ENTRY_BYTES = Long.getLong("cohort.openmpi.entryBytes", 4096);

    private Intracomm mpi() {
        return t.collectiveComm(comm);
    }

    private CollectiveEngine portable() {
        if (nonblocking != null) return nonblocking.portable();   // one tag sequence per communicator
        CollectiveEngine p = portable;
        if (p == null) {
            synchronized (this) {
                if (portable == null) portable = new PortableCollectivesProvider().engineFor(comm, channel);
                p = portable;
            }
        }
        return p;
    }

    private MpiCollRequest request(String name) {
        t.checkAlive();
        return new MpiCollRequest(t, comm, name);
    }

    private Staging stage(long elements, ElementType type) {
        return t.pool.take(elements * type.size());
    }

    private static int[] bytes(int[] a, int size) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) b[i] = a[i] * size;
        return b;
    }

    // ---------------------------------------------------------------- reductions: MPI or portable

    private static Datatype reducibleType(ElementType t) {
        switch (t) {
            case SHORT: return MPI.SHORT;
            case INT: return MPI.INT;
            case LONG: return MPI.LONG;
            case FLOAT: return MPI.FLOAT;
            case DOUBLE: return MPI.DOUBLE;
            default: return null;
        }
    }

    private static mpi.Op mpiOp(Op op) {
        if (op == Op.SUM) return MPI.SUM;
        if (op == Op.PROD) return MPI.PROD;
        if (op == Op.MIN) return MPI.MIN;
        if (op == Op.MAX) return MPI.MAX;
        if (op == Op.LAND) return MPI.LAND;
        if (op == Op.LOR) return MPI.LOR;
        if (op == Op.LXOR) return MPI.LXOR;
        if (op == Op.BAND) return MPI.BAND;
        if (op == Op.BOR) return MPI.BOR;
        if (op == Op.BXOR) return MPI.BXOR;
        return null;   // MINLOC / MAXLOC on Cohort's pair layout, and user-defined operations
    }

    /** True when Open MPI can run this reduction on this type with the same result as Cohort's kernels. */
    private static boolean mpiCan(ElementType t, Op op) {
        return reducibleType(t) != null && mpiOp(op) != null;
    }

    // ---------------------------------------------------------------- the collectives

    @Override
    public Request barrier() {
        Intracomm m = mpi();
        return request("barrier").start(null, null, blockingCall(0), m::iBarrier, m::barrier);
    }

    @Override
    public Request bcast(Object buf, ElementType type, int offset, int count, int root) {
        Intracomm m = mpi();
        int n = count * type.size();
        boolean b = blockingCall(n);
        if (b && Pinned.wants(buf, n)) {
            return request("bcast").pinned(() -> Pinned.bcast(Pinned.comm(m), buf, (long) offset * type.size(), n, root));
        }
        Staging s = stage(count, type);
        boolean root0 = comm.rank() == root;
        if (root0) s.copyIn(0, buf, type, offset, count);
        MpiCollRequest r = request("bcast");
        if (!root0) r.result(buf, type, offset, 0, count);
        return r.start(s, s, b, () -> m.iBcast(s.bytes, n, MPI.BYTE, root), () -> m.bcast(s.bytes, n, MPI.BYTE, root));
    }

    @Override
    public Request reduce(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType type, Op op,
                          int root) {
        if (!mpiCan(type, op)) return portable().reduce(send, sendOffset, recv, recvOffset, count, type, op, root);
        Intracomm m = mpi();
        Datatype dt = reducibleType(type);
        mpi.Op mop = mpiOp(op);
        boolean atRoot = comm.rank() == root;
        boolean b = blockingCall((long) count * type.size());
        // a non-root rank with a send buffer neither reads nor writes recv: leave it unpinned
        Object pinnedRecv = atRoot || send == null ? recv : null;
        if (pinnable(b, send, pinnedRecv, count, type)) {
            return pinnedReduction("reduce", 2, send, sendOffset, pinnedRecv, recvOffset, count, type, op, root);
        }
        Staging in = stage(count, type);
        if (send != null) in.copyIn(0, send, type, sendOffset, count);
        else in.copyIn(0, recv, type, recvOffset, count);
        Staging out = atRoot ? stage(count, type) : t.pool.take(64);
        MpiCollRequest r = request("reduce");
        if (atRoot) r.result(recv, type, recvOffset, 0, count);
        return r.start(in, out, b, () -> m.iReduce(in.bytes, out.bytes, count, dt, mop, root),
                () -> m.reduce(in.bytes, out.bytes, count, dt, mop, root));
    }

    @Override
    public Request allreduce(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType type,
                             Op op) {
        if (!mpiCan(type, op)) return portable().allreduce(send, sendOffset, recv, recvOffset, count, type, op);
        return inPlaceReduction("allreduce", 0, send, sendOffset, recv, recvOffset, count, type, op, true);
    }

    @Override
    public Request scan(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType type, Op op) {
        if (!mpiCan(type, op)) return portable().scan(send, sendOffset, recv, recvOffset, count, type, op);
        return inPlaceReduction("scan", 1, send, sendOffset, recv, recvOffset, count, type, op, true);
    }

    @Override
    public Request exscan(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType type, Op op) {
        if (!mpiCan(type, op)) return portable().exscan(send, sendOffset, recv, recvOffset, count, type, op);
        // rank 0's receive buffer is left unchanged (MPI leaves it undefined)
        return inPlaceReduction("exscan", 2, send, sendOffset, recv, recvOffset, count, type, op, comm.rank() != 0);
    }

    /**
     * True when a blocking call ({@link #blockingCall}) of a reduction can run on the caller's arrays
     * through the native helper: large
     * enough, heap arrays (send null: in place), and no send buffer overlapping recv (MPI forbids it;
     * the staged path copes).
     */
    private boolean pinnable(boolean blockingCall, Object send, Object recv, int count, ElementType type) {
        long bytes = (long) count * type.size();
        if (!blockingCall || (send == null && recv == null) || send == recv) return false;
        return (send == null || Pinned.wants(send, bytes)) && (recv == null || Pinned.wants(recv, bytes));
    }

    /** A blocking allreduce (kind 0), scan (1) or reduce (2) on the caller's arrays, pinned; see {@link Pinned}. */
    private Request pinnedReduction(String name, int kind, Object send, int sendOffset, Object recv, int recvOffset,
                                    int count, ElementType type, Op op, int root) {
        long mpiComm = Pinned.comm(mpi());
        int size = type.size();
        if (send != null && recv != null) {
            // Open MPI's own copy of the send buffer into the receive buffer, before an out-of-place
            // allreduce, costs about twice System.arraycopy here (8 MiB: 2 ms against 1): copy first,
            // then reduce in place
            System.arraycopy(send, sendOffset, recv, recvOffset, count);
            send = null;
        }
        Object in = send;
        int pinnedType = Pinned.type(type);
        int pinnedOp = Pinned.op(op);
        return request(name).pinned(() -> Pinned.reduction(mpiComm, kind, in, (long) sendOffset * size, recv,
                (long) recvOffset * size, count, pinnedType, pinnedOp, root));
    }

    /** allreduce / scan / exscan on one staged buffer, with MPI_IN_PLACE. */
    private Request inPlaceReduction(String name, int kind, Object send, int sendOffset, Object recv, int recvOffset,
                                     int count, ElementType type, Op op, boolean copyBack) {
        boolean b = blockingCall((long) count * type.size());
        // exscan stays staged: MPI leaves rank 0's buffer undefined and Cohort leaves it unchanged
        if (kind < 2 && pinnable(b, send, recv, count, type)) {
            return pinnedReduction(name, kind, send, sendOffset, recv, recvOffset, count, type, op, 0);
        }
        Intracomm m = mpi();
        Datatype dt = reducibleType(type);
        mpi.Op mop = mpiOp(op);
        Staging s = stage(count, type);
        if (send != null) s.copyIn(0, send, type, sendOffset, count);
        else s.copyIn(0, recv, type, recvOffset, count);
        MpiCollRequest r = request(name);
        if (copyBack) r.result(recv, type, recvOffset, 0, count);
        switch (kind) {
            case 0: return r.start(s, s, b, () -> m.iAllReduce(s.bytes, count, dt, mop),
                    () -> m.allReduce(s.bytes, count, dt, mop));
            case 1: return r.start(s, s, b, () -> m.iScan(s.bytes, count, dt, mop), () -> m.scan(s.bytes, count, dt, mop));
            default: return r.start(s, s, b, () -> m.iExScan(s.bytes, count, dt, mop),
                    () -> m.exScan(s.bytes, count, dt, mop));
        }
    }

    @Override
    public Request reduceScatter(Object send, int sendOffset, Object recv, int recvOffset, int[] counts, ElementType type,
                                 Op op) {
        if (!mpiCan(type, op)) return portable().reduceScatter(send, sendOffset, recv, recvOffset, counts, type, op);
        Intracomm m = mpi();
        Datatype dt = reducibleType(type);
        mpi.Op mop = mpiOp(op);
        long total = 0;
        for (int c : counts) total += c;
        int n = (int) total;
        Staging s = stage(n, type);
        if (send != null) s.copyIn(0, send, type, sendOffset, n);
        else s.copyIn(0, recv, type, recvOffset, n);
        int[] cs = counts.clone();
        MpiCollRequest r = request("reduceScatter").result(recv, type, recvOffset, 0, cs[comm.rank()]);
        return r.start(s, s, blockingCall((long) n * type.size()), () -> m.iReduceScatter(s.bytes, cs, dt, mop), () -> m.reduceScatter(s.bytes, cs, dt, mop));
    }

    @Override
    public Request gatherv(Object send, int sendOffset, int sendCount, Object recv, int recvOffset, int[] counts,
                           int[] displs, ElementType type, int root) {
        Intracomm m = mpi();
        int size = type.size();
        MpiCollRequest r = request("gatherv");
        if (comm.rank() != root) {
            Staging in = stage(sendCount, type);
            in.copyIn(0, send, type, sendOffset, sendCount);
            return r.start(in, in, blockingCall(COUNTS_DIFFER), () -> m.iGatherv(in.bytes, sendCount * size, MPI.BYTE, root),
                    () -> m.gatherv(in.bytes, sendCount * size, MPI.BYTE, root));
        }
        int[] cs = counts.clone(), ds = displs.clone();
        int[] cb = bytes(cs, size), db = bytes(ds, size);
        Staging out = stage(CollectiveEngine.span(cs, ds), type);
        r.results(recv, type, recvOffset, cs, ds);
        if (send == null) {
            int me = comm.rank();
            out.copyIn(ds[me], recv, type, recvOffset + ds[me], cs[me]);
            return r.start(out, out, blockingCall(COUNTS_DIFFER), () -> m.iGatherv(out.bytes, cb, db, MPI.BYTE, root),
                    () -> m.gatherv(out.bytes, cb, db, MPI.BYTE, root));
        }
        Staging in = stage(sendCount, type);
        in.copyIn(0, send, type, sendOffset, sendCount);
        return r.start(in, out, blockingCall(COUNTS_DIFFER),
                () -> m.iGatherv(in.bytes, sendCount * size, MPI.BYTE, out.bytes, cb, db, MPI.BYTE, root),
                () -> m.gatherv(in.bytes, sendCount * size, MPI.BYTE, out.bytes, cb, db, MPI.BYTE, root));
    }

    @Override
    public Request scatterv(Object send, int sendOffset, int[] counts, int[] displs, Object recv, int recvOffset,
                            int recvCount, ElementType type, int root) {
        Intracomm m = mpi();
        int size = type.size();
        MpiCollRequest r = request("scatterv");
        if (comm.rank() != root) {
            Staging out = stage(recvCount, type);
            r.result(recv, type, recvOffset, 0, recvCount);
            return r.start(out, out, blockingCall(COUNTS_DIFFER), () -> m.iScatterv(out.bytes, recvCount * size, MPI.BYTE, root),
                    () -> m.scatterv(out.bytes, recvCount * size, MPI.BYTE, root));
        }
        int[] cs = counts.clone(), ds = displs.clone();
        int[] cb = bytes(cs, size), db = bytes(ds, size);
        int span = CollectiveEngine.span(cs, ds);
        Staging in = stage(span, type);
        in.copyIn(0, send, type, sendOffset, span);
        if (recv == null) {
            return r.start(in, in, blockingCall(COUNTS_DIFFER), () -> m.iScatterv(in.bytes, cb, db, MPI.BYTE, root),
                    () -> m.scatterv(in.bytes, cb, db, MPI.BYTE, root));
        }
        Staging out = stage(recvCount, type);
        r.result(recv, type, recvOffset, 0, recvCount);
        return r.start(in, out, blockingCall(COUNTS_DIFFER),
                () -> m.iScatterv(in.bytes, cb, db, MPI.BYTE, out.bytes, recvCount * size, MPI.BYTE, root),
                () -> m.scatterv(in.bytes, cb, db, MPI.BYTE, out.bytes, recvCount * size, MPI.BYTE, root));
    }

    @Override
    public Request allgatherv(Object send, int sendOffset, int sendCount, Object recv, int recvOffset, int[] counts,
                              int[] displs, ElementType type) {
        Intracomm m = mpi();
        int size = type.size();
        int[] cs = counts.clone(), ds = displs.clone();
        int[] cb = bytes(cs, size), db = bytes(ds, size);
        int span = CollectiveEngine.span(cs, ds);
        boolean b = blockingCall((long) span * size);   // every rank passes all the counts
        Staging out = stage(span, type);
        MpiCollRequest r = request("allgatherv").results(recv, type, recvOffset, cs, ds);
        if (send == null) {
            int me = comm.rank();
            out.copyIn(ds[me], recv, type, recvOffset + ds[me], cs[me]);
            return r.start(out, out, b, () -> m.iAllGatherv(out.bytes, cb, db, MPI.BYTE),
                    () -> m.allGatherv(out.bytes, cb, db, MPI.BYTE));
        }
        Staging in = stage(sendCount, type);
        in.copyIn(0, send, type, sendOffset, sendCount);
        return r.start(in, out, b,
                () -> m.iAllGatherv(in.bytes, sendCount * size, MPI.BYTE, out.bytes, cb, db, MPI.BYTE),
                () -> m.allGatherv(in.bytes, sendCount * size, MPI.BYTE, out.bytes, cb, db, MPI.BYTE));
    }

    @Override
    public Request alltoallv(Object send, int sendOffset, int[] sendCounts, int[] sendDispls, Object recv, int recvOffset,
                             int[] recvCounts, int[] recvDispls, ElementType type) {
        Intracomm m = mpi();
        int size = type.size();
        int[] rc = recvCounts.clone(), rd = recvDispls.clone();
        int[] sc, sd;
        Object src;
        int srcOffset;
        if (send == null) {
            sc = rc;
            sd = rd;
            src = recv;
            srcOffset = recvOffset;
        } else {
            sc = sendCounts.clone();
            sd = sendDispls.clone();
            src = send;
            srcOffset = sendOffset;
        }
        int sendSpan = CollectiveEngine.span(sc, sd);
        Staging in = stage(sendSpan, type);
        in.copyIn(0, src, type, srcOffset, sendSpan);
        Staging out = stage(CollectiveEngine.span(rc, rd), type);
        int[] scb = bytes(sc, size), sdb = bytes(sd, size), rcb = bytes(rc, size), rdb = bytes(rd, size);
        MpiCollRequest r = request("alltoallv").results(recv, type, recvOffset, rc, rd);
        return r.start(in, out, blockingCall(COUNTS_DIFFER), () -> m.iAllToAllv(in.bytes, scb, sdb, MPI.BYTE, out.bytes, rcb, rdb, MPI.BYTE),
                () -> m.allToAllv(in.bytes, scb, sdb, MPI.BYTE, out.bytes, rcb, rdb, MPI.BYTE));
    }
}
