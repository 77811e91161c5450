package dev.cohort.transport.ffm;

import dev.cohort.CohortException;
import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.ErrorClass;
import dev.cohort.Op;
import dev.cohort.Request;
import dev.cohort.collectives.PortableCollectivesProvider;
import dev.cohort.spi.Channel;
import dev.cohort.spi.CollectiveEngine;
import dev.cohort.spi.ProgressEngine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;

/**
 * Collectives by the MPI library's own algorithms, on the communicator's collective-context MPI
 * communicator. Blocking calls ({@link #forBlockingCalls()}) pass the buffers to MPI's blocking
 * collectives as they are (critical downcalls with heap access, no copy) and complete before the
 * request is returned; they hold the transport's lock meanwhile, so the rank matches no point-to-point
 * message until they return ({@link FfmTransport#enterBlocking} says when that can deadlock). Nonblocking calls start MPI's nonblocking collectives (MPI_Iallreduce, ...)
 * on native copies of the buffers, pooled, and copy the results back when MPI_Test reports them
 * done: a heap array cannot be handed to MPI beyond one call.
 * User-defined operations, MINLOC / MAXLOC on Cohort's interleaved (value, index) arrays, and
 * boolean[] buffers have no MPI equivalent and go to the portable algorithms over point-to-point.
 */
final class FfmCollectives implements CollectiveEngine {
    private final FfmTransport t;
    private final Comm comm;
    private final Channel channel;
    /** The engine for blocking calls: MPI's blocking collectives on the buffers themselves. */
    private final boolean blocking;
    /** The engine for nonblocking calls, whose portable engine this one shares; null on that engine itself. */
    private final FfmCollectives nonblocking;
    private volatile CollectiveEngine portable;
    private volatile FfmCollectives blockingTwin;

    FfmCollectives(FfmTransport t, Comm comm, Channel channel) {
        this(t, comm, channel, null);
    }

    private FfmCollectives(FfmTransport t, Comm comm, Channel channel, FfmCollectives nonblocking) {
        this.t = t;
        this.comm = comm;
        this.channel = channel;
        this.nonblocking = nonblocking;
        this.blocking = nonblocking != null;
    }

    /** MPI's blocking collectives, unless the job polls its collectives ({@link FfmTransport#pollsCollectives}). */
    @Override
    public CollectiveEngine forBlockingCalls() {
        if (blocking || t.pollsCollectives()) return this;
        FfmCollectives b = blockingTwin;
        if (b == null) blockingTwin = b = new FfmCollectives(t, comm, channel, this);
        return b;
    }

    private CollectiveEngine portable() {
        if (nonblocking != null) return nonblocking.portable();   // one tag sequence per communicator
        CollectiveEngine p = portable;
        if (p == null) portable = p = new PortableCollectivesProvider().engineFor(comm, channel);
        return p;
    }

    private long mpiComm() {
        return t.collComm(comm);
    }

    private static final long[] TYPES = new long[ElementType.values().length];
    private static final String[] OP_NAMES = {"SUM", "PROD", "MIN", "MAX", "LAND", "LOR", "LXOR", "BAND", "BOR", "BXOR"};
    private static final Op[] OPS = {Op.SUM, Op.PROD, Op.MIN, Op.MAX, Op.LAND, Op.LOR, Op.LXOR, Op.BAND, Op.BOR, Op.BXOR};
    private static final long[] MPI_OPS = new long[OPS.length];

    static {
        TYPES[ElementType.BYTE.ordinal()] = Mpi.ABI.datatype("INT8_T");
        TYPES[ElementType.SHORT.ordinal()] = Mpi.ABI.datatype("INT16_T");
        TYPES[ElementType.INT.ordinal()] = Mpi.ABI.datatype("INT32_T");
        TYPES[ElementType.LONG.ordinal()] = Mpi.ABI.datatype("INT64_T");
        TYPES[ElementType.FLOAT.ordinal()] = Mpi.ABI.datatype("FLOAT");
        TYPES[ElementType.DOUBLE.ordinal()] = Mpi.ABI.datatype("DOUBLE");
        TYPES[ElementType.CHAR.ordinal()] = Mpi.ABI.datatype("UINT16_T");
        TYPES[ElementType.BOOLEAN.ordinal()] = Mpi.ABI.datatype("UINT8_T");
        TYPES[ElementType.OBJECT.ordinal()] = Mpi.BYTE;
        for (int i = 0; i < OPS.length; i++) MPI_OPS[i] = Mpi.ABI.op(OP_NAMES[i]);
    }

    private static long dt(ElementType t, Object buf) {
        return buf instanceof ByteBuffer ? Mpi.BYTE : TYPES[t.ordinal()];
    }

    /** The MPI operation, or 0 when this one must take the portable path. */
    private static long mpiOp(Op op) {
        for (int i = 0; i < OPS.length; i++) if (OPS[i] == op) return MPI_OPS[i];
        return 0;
    }

    private static boolean anyBoolean(Object... bufs) {
        for (Object b : bufs) if (b instanceof boolean[]) return true;
        return false;
    }

    /** From {@code offset} to the end of the buffer; NULL for a null buffer. */
    private static MemorySegment from(Object buf, ElementType t, int offset) {
        if (buf == null) return MemorySegment.NULL;
        return FfmTransport.segment(buf, t, offset, ElementType.capacity(buf) - offset);
    }

    private static MemorySegment ints(int[] a) {
        return a == null ? MemorySegment.NULL : MemorySegment.ofArray(a);
    }

    /** A blocking MPI collective: returns MPI's error code. */
    @FunctionalInterface
    private interface Call {
        /** Runs the call on {@code mpiComm}, the communicator's collective MPI communicator. */
        int call(long mpiComm) throws Throwable;
    }

    /** The blocking barrier's call: it captures nothing, so a loop of barriers allocates no lambda per call. */
    private static final Call BARRIER = c -> (int) Mpi.BARRIER.invokeExact(c);

    /**
     * Runs a blocking MPI collective under the transport's lock, which it holds until the other ranks
     * have joined; the transport watches for the one way that can deadlock ({@link FfmTransport#enterBlocking}).
     */
    private Request blocking(String what, Call call) {
        int rc;
        synchronized (t.lock()) {
            t.enterBlocking(what, comm);
            try {
                rc = call.call(mpiComm());
            } catch (Throwable e) {
                throw rethrow(e);
            } finally {
                t.leaveBlocking();
            }
        }
        return done(rc, what);
    }

    /**
     * The completed request of each kind of blocking call, shared by all its calls: Comm only waits for
     * it, and a completed request stays as it is however often it is waited for. A new one per call
     * was garbage at millions per second in a loop of small collectives.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Done> done = new java.util.concurrent.ConcurrentHashMap<>();

    private Request done(int rc, String what) {
        if (rc != 0) {
            throw new CohortException(ErrorClass.INTERN, comm.worldRankOf(comm.rank()), "rank " + comm.rank() + ": " + what
                    + " on " + comm.name() + " failed: " + FfmTransport.errorString(rc) + " (MPI error " + rc + ")");
        }
        Done d = done.get(what);
        return d != null ? d : done.computeIfAbsent(what, w -> new Done(t, comm, w));
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException r) return r;
        if (e instanceof Error err) throw err;
        return new CohortException(ErrorClass.INTERN, -1, "ffm: " + e, e);
    }

    /**
     * MPI_Barrier for a blocking barrier, like every blocking collective; MPI_Ibarrier, polled, for a
     * nonblocking one. (Blocking barriers were MPI_Ibarrier polled from Java too, once: with Open MPI
     * that made a barrier 2.4x slower in C alone, 0.63 us against 0.26, and each rank left it at a
     * different moment, which the next collective paid for.)
     */
    @Override
    public Request barrier() {
        if (blocking) return blocking("barrier", BARRIER);
        NativeRequest r = new NativeRequest(t, comm, "barrier");
        synchronized (t.lock()) {
            int rc;
            try {
                rc = (int) Mpi.IBARRIER.invokeExact(mpiComm(), r.slot);
            } catch (Throwable e) {
                throw rethrow(e);
            }
            t.check(rc, "rank " + comm.rank() + ": barrier on " + comm.name() + " MPI_Ibarrier");
        }
        return r;
    }

    @Override
    public Request bcast(Object buf, ElementType type, int offset, int count, int root) {
        if (anyBoolean(buf)) return portable().bcast(buf, type, offset, count, root);
        if (!blocking) {
            return staged("bcast", r -> {
                MemorySegment b = comm.rank() == root ? r.in(buf, type, offset, count) : r.out(buf, type, offset, count);
                return (int) Mpi.IBCAST.invokeExact(b, count, dt(type, buf), root, mpiComm(), r.slot);
            });
        }
        MemorySegment b = FfmTransport.segment(buf, type, offset, count);
        return blocking("bcast", c -> (int) Mpi.BCAST.invokeExact(b, count, dt(type, buf), root, c));
    }

    /**
     * allreduce, scan and exscan by MPI's blocking call, written out rather than through blocking():
     * the lambda, and the heap segments over the same arrays call after call, were most of what a
     * loop of small reductions allocated (young collections every 0.3 s at 1 double).
     */
    private Request reduction(MethodHandle h, String what, Object send, int sendOffset, Object recv, int recvOffset, int count,
                              ElementType type, long op) {
        int rc;
        synchronized (t.lock()) {
            MemorySegment s = send == null ? Mpi.IN_PLACE : sendSegments.of(send, type, sendOffset, count);
            MemorySegment r = recvSegments.of(recv, type, recvOffset, count);
            t.enterBlocking(what, comm);
            try {
                rc = (int) h.invokeExact(s, r, count, dt(type, recv), op, mpiComm());
            } catch (Throwable e) {
                throw rethrow(e);
            } finally {
                t.leaveBlocking();
            }
        }
        return done(rc, what);
    }

    /**
     * The segment over the last buffer range a blocking reduction passed, kept for the next call over
     * the same range (the usual case in a loop). It holds on to that one array until another comes.
     * Guarded by the transport's lock.
     */
    private static final class LastSegment {
        private Object array;
        private int offset = -1, count = -1;
        private ElementType type;
        private MemorySegment segment;

        MemorySegment of(Object buf, ElementType t, int off, int n) {
            if (buf == array && off == offset && n == count && t == type) return segment;
            MemorySegment s = FfmTransport.segment(buf, t, off, n);
            if (buf instanceof ByteBuffer || buf instanceof boolean[]) return s;   // a view or a copy: not to be kept
            array = buf;
            offset = off;
            count = n;
            type = t;
            segment = s;
            return s;
        }
    }

    private final LastSegment sendSegments = new LastSegment(), recvSegments = new LastSegment();

    @Override
    public Request reduce(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType type, Op op, int root) {
        long o = mpiOp(op);
        if (o == 0 || anyBoolean(send, recv)) return portable().reduce(send, sendOffset, recv, recvOffset, count, type, op, root);
        if (!blocking) {
            return staged("reduce", r -> {
                MemorySegment in = send == null ? Mpi.IN_PLACE : r.in(send, type, sendOffset, count);
                MemorySegment out = comm.rank() != root ? MemorySegment.NULL
                        : send == null ? r.inOut(recv, type, recvOffset, count) : r.out(recv, type, recvOffset, count);
                return (int) Mpi.IREDUCE.invokeExact(in, out, count, TYPES[type.ordinal()], o, root, mpiComm(), r.slot);
            });
        }
        MemorySegment s = send == null ? Mpi.IN_PLACE : FfmTransport.segment(send, type, sendOffset, count);
        MemorySegment r = recv == null ? MemorySegment.NULL : FfmTransport.segment(recv, type, recvOffset, count);
        return blocking("reduce", c -> (int) Mpi.REDUCE.invokeExact(s, r, count, TYPES[type.ordinal()], o, root, c));
    }

    @Override
    public Request allreduce(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType type, Op op) {
        long o = mpiOp(op);
        if (o == 0 || anyBoolean(send, recv)) return portable().allreduce(send, sendOffset, recv, recvOffset, count, type, op);
        if (!blocking) return stagedReduction(Mpi.IALLREDUCE, "allreduce", send, sendOffset, recv, recvOffset, count, type, o, true);
        return reduction(Mpi.ALLREDUCE, "allreduce", send, sendOffset, recv, recvOffset, count, type, o);
    }

    @Override
    public Request scan(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType type, Op op) {
        long o = mpiOp(op);
        if (o == 0 || anyBoolean(send, recv)) return portable().scan(send, sendOffset, recv, recvOffset, count, type, op);
        if (!blocking) return stagedReduction(Mpi.ISCAN, "scan", send, sendOffset, recv, recvOffset, count, type, o, true);
        return reduction(Mpi.SCAN, "scan", send, sendOffset, recv, recvOffset, count, type, o);
    }

    @Override
    public Request exscan(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType type, Op op) {
        long o = mpiOp(op);
        if (o == 0 || anyBoolean(send, recv)) return portable().exscan(send, sendOffset, recv, recvOffset, count, type, op);
        if (!blocking) {
            // MPI leaves rank 0's result undefined; Cohort leaves its buffer unchanged: no copy back there
            return stagedReduction(Mpi.IEXSCAN, "exscan", send, sendOffset, recv, recvOffset, count, type, o, comm.rank() != 0);
        }
        if (comm.rank() == 0) {
            // MPI leaves rank 0's result undefined; Cohort leaves its buffer unchanged: let MPI write elsewhere
            if (send == null) {
                Object copy = type.newArray(count);
                System.arraycopy(recv, recvOffset, copy, 0, count);
                send = copy;
                sendOffset = 0;
            }
            recv = type.newArray(count);
            recvOffset = 0;
        }
        return reduction(Mpi.EXSCAN, "exscan", send, sendOffset, recv, recvOffset, count, type, o);
    }

    @Override
    public Request gatherv(Object send, int sendOffset, int sendCount, Object recv, int recvOffset, int[] counts, int[] displs,
                           ElementType type, int root) {
        if (anyBoolean(send, recv)) return portable().gatherv(send, sendOffset, sendCount, recv, recvOffset, counts, displs, type, root);
        if (!blocking) {
            return staged("gatherv", r -> {
                Object any = send != null ? send : recv;
                MemorySegment in = send == null ? Mpi.IN_PLACE : r.in(send, type, sendOffset, sendCount);
                MemorySegment out = MemorySegment.NULL, cs = MemorySegment.NULL, ds = MemorySegment.NULL;
                if (comm.rank() == root) {
                    out = r.blocks(recv, type, recvOffset, counts, displs, send == null ? comm.rank() : -1);
                    cs = r.ints(counts);
                    ds = r.ints(displs);
                }
                return (int) Mpi.IGATHERV.invokeExact(in, sendCount, dt(type, any), out, cs, ds, dt(type, recv == null ? any : recv),
                        root, mpiComm(), r.slot);
            });
        }
        Object any = send != null ? send : recv;
        MemorySegment s = send == null ? Mpi.IN_PLACE : FfmTransport.segment(send, type, sendOffset, sendCount);
        return blocking("gatherv", c -> (int) Mpi.GATHERV.invokeExact(s, sendCount, dt(type, any), from(recv, type, recvOffset), ints(counts),
                        ints(displs), dt(type, recv == null ? any : recv), root, c));
    }

    @Override
    public Request scatterv(Object send, int sendOffset, int[] counts, int[] displs, Object recv, int recvOffset, int recvCount,
                            ElementType type, int root) {
        if (anyBoolean(send, recv)) return portable().scatterv(send, sendOffset, counts, displs, recv, recvOffset, recvCount, type, root);
        if (!blocking) {
            return staged("scatterv", r -> {
                Object any = recv != null ? recv : send;
                MemorySegment in = MemorySegment.NULL, cs = MemorySegment.NULL, ds = MemorySegment.NULL;
                if (comm.rank() == root) {
                    in = r.in(send, type, sendOffset, CollectiveEngine.span(counts, displs));
                    cs = r.ints(counts);
                    ds = r.ints(displs);
                }
                MemorySegment out = recv == null ? Mpi.IN_PLACE : r.out(recv, type, recvOffset, recvCount);
                return (int) Mpi.ISCATTERV.invokeExact(in, cs, ds, dt(type, send == null ? any : send), out, recvCount, dt(type, any),
                        root, mpiComm(), r.slot);
            });
        }
        Object any = recv != null ? recv : send;
        MemorySegment r = recv == null ? Mpi.IN_PLACE : FfmTransport.segment(recv, type, recvOffset, recvCount);
        return blocking("scatterv", c -> (int) Mpi.SCATTERV.invokeExact(from(send, type, sendOffset), ints(counts), ints(displs),
                        dt(type, send == null ? any : send), r, recvCount, dt(type, any), root, c));
    }

    @Override
    public Request allgatherv(Object send, int sendOffset, int sendCount, Object recv, int recvOffset, int[] counts, int[] displs,
                              ElementType type) {
        if (anyBoolean(send, recv)) return portable().allgatherv(send, sendOffset, sendCount, recv, recvOffset, counts, displs, type);
        if (!blocking) {
            return staged("allgatherv", r -> {
                MemorySegment in = send == null ? Mpi.IN_PLACE : r.in(send, type, sendOffset, sendCount);
                MemorySegment out = r.blocks(recv, type, recvOffset, counts, displs, send == null ? comm.rank() : -1);
                return (int) Mpi.IALLGATHERV.invokeExact(in, sendCount, dt(type, send == null ? recv : send), out, r.ints(counts),
                        r.ints(displs), dt(type, recv), mpiComm(), r.slot);
            });
        }
        MemorySegment s = send == null ? Mpi.IN_PLACE : FfmTransport.segment(send, type, sendOffset, sendCount);
        return blocking("allgatherv", c -> (int) Mpi.ALLGATHERV.invokeExact(s, sendCount, dt(type, send == null ? recv : send),
                        from(recv, type, recvOffset), ints(counts), ints(displs), dt(type, recv), c));
    }

    @Override
    public Request alltoallv(Object send, int sendOffset, int[] sendCounts, int[] sendDispls, Object recv, int recvOffset,
                             int[] recvCounts, int[] recvDispls, ElementType type) {
        if (anyBoolean(send, recv)) {
            return portable().alltoallv(send, sendOffset, sendCounts, sendDispls, recv, recvOffset, recvCounts, recvDispls, type);
        }
        if (!blocking) {
            return staged("alltoallv", r -> {
                // in place: the input is the receive buffer's blocks, staged as a separate send buffer
                Object src = send == null ? recv : send;
                int srcOffset = send == null ? recvOffset : sendOffset;
                int[] sc = send == null ? recvCounts : sendCounts, sd = send == null ? recvDispls : sendDispls;
                MemorySegment in = r.in(src, type, srcOffset, CollectiveEngine.span(sc, sd));
                MemorySegment out = r.blocks(recv, type, recvOffset, recvCounts, recvDispls, -1);
                return (int) Mpi.IALLTOALLV.invokeExact(in, r.ints(sc), r.ints(sd), dt(type, src), out, r.ints(recvCounts),
                        r.ints(recvDispls), dt(type, recv), mpiComm(), r.slot);
            });
        }
        return blocking("alltoallv", c -> (int) Mpi.ALLTOALLV.invokeExact(from(send, type, sendOffset), ints(sendCounts), ints(sendDispls),
                        dt(type, send), from(recv, type, recvOffset), ints(recvCounts), ints(recvDispls), dt(type, recv),
                        c));
    }

    @Override
    public Request reduceScatter(Object send, int sendOffset, Object recv, int recvOffset, int[] counts, ElementType type, Op op) {
        long o = mpiOp(op);
        if (o == 0 || anyBoolean(send, recv)) return portable().reduceScatter(send, sendOffset, recv, recvOffset, counts, type, op);
        long total = 0;
        for (int c : counts) total += c;
        if (!blocking) {
            int n = (int) total, mine = counts[comm.rank()];
            return staged("reduceScatter", r -> {
                MemorySegment in, out;
                if (send == null) {
                    // in place: the whole input is in the receive buffer, and this rank's block lands at its start
                    in = Mpi.IN_PLACE;
                    out = r.in(recv, type, recvOffset, n);
                    r.back(out, recv, type, recvOffset, mine);
                } else {
                    in = r.in(send, type, sendOffset, n);
                    out = r.out(recv, type, recvOffset, mine);
                }
                return (int) Mpi.IREDUCE_SCATTER.invokeExact(in, out, r.ints(counts), TYPES[type.ordinal()], o, mpiComm(), r.slot);
            });
        }
        MemorySegment s = send == null ? Mpi.IN_PLACE : FfmTransport.segment(send, type, sendOffset, (int) total);
        MemorySegment r = send == null ? FfmTransport.segment(recv, type, recvOffset, (int) total)
                : FfmTransport.segment(recv, type, recvOffset, counts[comm.rank()]);
        return blocking("reduceScatter", c -> (int) Mpi.REDUCE_SCATTER.invokeExact(s, r, ints(counts), TYPES[type.ordinal()], o,
                c));
    }

    /** allreduce / scan / exscan on native copies; {@code copyBack} false leaves the receive buffer as it is. */
    private Request stagedReduction(MethodHandle h, String what, Object send, int sendOffset, Object recv, int recvOffset,
                                    int count, ElementType type, long op, boolean copyBack) {
        return staged(what, r -> {
            MemorySegment in = send == null ? Mpi.IN_PLACE : r.in(send, type, sendOffset, count);
            MemorySegment out;
            if (send == null) out = copyBack ? r.inOut(recv, type, recvOffset, count) : r.in(recv, type, recvOffset, count);
            else out = copyBack ? r.out(recv, type, recvOffset, count) : r.scratch((long) count * type.size());
            return (int) h.invokeExact(in, out, count, TYPES[type.ordinal()], op, mpiComm(), r.slot);
        });
    }

    /** How a nonblocking collective is started on a {@link StagedRequest}: returns MPI's error code. */
    @FunctionalInterface
    private interface Start {
        int start(StagedRequest r) throws Throwable;
    }

    /** Stages and starts a nonblocking collective under the lock; a failed start returns the staging and throws. */
    private Request staged(String what, Start start) {
        StagedRequest r = new StagedRequest(t, comm, what);
        synchronized (t.lock()) {
            int rc;
            try {
                rc = start.start(r);
            } catch (Throwable e) {
                r.release();
                throw rethrow(e);
            }
            if (rc != 0) {
                r.release();
                throw t.mpiError(rc, "rank " + comm.rank() + ": " + what + " on " + comm.name() + " (nonblocking)");
            }
        }
        return r;
    }

    /**
     * A nonblocking collective on native copies of the caller's buffers, taken from the transport's
     * pool; when MPI_Test reports it done, the results are copied back and the blocks returned.
     * Staging methods are called under the transport's lock.
     */
    static final class StagedRequest extends NativeRequest {
        private final StagingPool pool;
        private final java.util.ArrayList<MemorySegment> blocks = new java.util.ArrayList<>(4);
        /** Pairs (native source, heap or buffer destination) to copy on success. */
        private final java.util.ArrayList<MemorySegment> backs = new java.util.ArrayList<>(4);

        StagedRequest(FfmTransport t, Comm comm, String what) {
            super(t, comm, what);
            this.pool = t.pool();
        }

        /** A native block of {@code bytes}, returned to the pool on completion. */
        MemorySegment scratch(long bytes) {
            MemorySegment b = pool.take(Math.max(bytes, 1));
            blocks.add(b);
            return b.asSlice(0, bytes);
        }

        /** A native copy of {@code count} elements of {@code buf} from {@code offset}. */
        MemorySegment in(Object buf, ElementType t, int offset, int count) {
            MemorySegment src = FfmTransport.segment(buf, t, offset, count);
            MemorySegment b = scratch(src.byteSize());
            MemorySegment.copy(src, 0, b, 0, src.byteSize());
            return b;
        }

        /** A native block whose contents go to {@code buf} at {@code offset} on success. */
        MemorySegment out(Object buf, ElementType t, int offset, int count) {
            MemorySegment b = scratch((long) count * t.size());
            back(b, buf, t, offset, count);
            return b;
        }

        /** {@link #in} and {@link #out} on the same block. */
        MemorySegment inOut(Object buf, ElementType t, int offset, int count) {
            MemorySegment b = in(buf, t, offset, count);
            back(b, buf, t, offset, count);
            return b;
        }

        /**
         * A native block spanning a v-collective's receive blocks; on success each block (and only
         * the blocks: what lies between them is left alone) is copied to {@code buf}. When
         * {@code ownBlock} is a rank, its block is copied in first (MPI_IN_PLACE: it is already there).
         */
        MemorySegment blocks(Object buf, ElementType t, int offset, int[] counts, int[] displs, int ownBlock) {
            long size = t.size();
            MemorySegment b = scratch(CollectiveEngine.span(counts, displs) * size);
            if (ownBlock >= 0 && counts[ownBlock] > 0) {
                MemorySegment src = FfmTransport.segment(buf, t, offset + displs[ownBlock], counts[ownBlock]);
                MemorySegment.copy(src, 0, b, displs[ownBlock] * size, src.byteSize());
            }
            for (int q = 0; q < counts.length; q++) {
                if (counts[q] > 0) back(b.asSlice(displs[q] * size, counts[q] * size), buf, t, offset + displs[q], counts[q]);
            }
            return b;
        }

        /** A native copy of an int array (counts, displacements), which MPI may read until completion. */
        MemorySegment ints(int[] a) {
            if (a == null) return MemorySegment.NULL;
            MemorySegment b = scratch(4L * a.length);
            MemorySegment.copy(MemorySegment.ofArray(a), 0, b, 0, b.byteSize());
            return b;
        }

        /** Copies the start of {@code from} to {@code count} elements of {@code buf} at {@code offset} on success. */
        void back(MemorySegment from, Object buf, ElementType t, int offset, int count) {
            if (count == 0) return;
            backs.add(from);
            backs.add(FfmTransport.segment(buf, t, offset, count));
        }

        void release() {
            for (MemorySegment b : blocks) pool.give(b);
            blocks.clear();
            backs.clear();
        }

        @Override
        void finished(boolean ok) {
            if (ok) {
                for (int i = 0; i < backs.size(); i += 2) {
                    MemorySegment to = backs.get(i + 1);
                    MemorySegment.copy(backs.get(i), 0, to, 0, to.byteSize());
                }
            }
            release();
        }
    }

    /** A collective that has completed already. */
    static final class Done extends Request {
        private final FfmTransport t;
        private final Comm comm;
        private final String what;

        Done(FfmTransport t, Comm comm, String what) {
            super(ACTIVE);
            this.t = t;
            this.comm = comm;
            this.what = what;
            resultSource = Comm.PROC_NULL;
            resultTag = Comm.ANY_TAG;
            complete();
        }

        @Override
        protected Comm comm() {
            return comm;
        }

        @Override
        protected ProgressEngine engine() {
            return t;
        }

        @Override
        public String describe() {
            return what + "(comm=" + comm.name() + ")";
        }

        @Override
        protected boolean doCancel() {
            return false;
        }
    }

    /** A nonblocking MPI operation completed by MPI_Test (its request handle lives in native memory). */
    static class NativeRequest extends Request {
        private final FfmTransport t;
        private final Comm comm;
        private final String what;
        final MemorySegment slot = Arena.ofAuto().allocate(64);

        NativeRequest(FfmTransport t, Comm comm, String what) {
            super(ACTIVE);
            this.t = t;
            this.comm = comm;
            this.what = what;
        }

        @Override
        protected boolean poll() {
            if (state == COMPLETE) return true;
            synchronized (t.lock()) {
                if (state == COMPLETE) return true;
                int rc;
                try {
                    rc = (int) Mpi.TEST.invokeExact(slot, slot.asSlice(16, 4), slot.asSlice(24, 40));
                } catch (Throwable e) {
                    throw rethrow(e);
                }
                if (rc != 0) {
                    finished(false);
                    resultError = t.mpiError(rc, what + " on " + comm.name() + " MPI_Test");
                    complete();
                    return true;
                }
                if (slot.get(ValueLayout.JAVA_INT, 16) != 0) {
                    finished(true);
                    resultSource = Comm.PROC_NULL;
                    resultTag = Comm.ANY_TAG;
                    complete();
                    return true;
                }
            }
            t.progress();
            return state == COMPLETE;
        }

        /** Called under the lock once MPI has completed the operation ({@code ok}) or failed it. */
        void finished(boolean ok) {
        }

        @Override
        protected Comm comm() {
            return comm;
        }

        @Override
        protected ProgressEngine engine() {
            return t;
        }

        @Override
        public String describe() {
            return what + "(comm=" + comm.name() + ")";
        }

        @Override
        protected boolean doCancel() {
            return false;
        }
    }
}
