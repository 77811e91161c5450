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
 * communicator. Buffers go to MPI as they are (critical downcalls with heap access); the call
 * completes before the request is returned, except barrier, which is MPI_Ibarrier. User-defined
 * operations, MINLOC / MAXLOC on Cohort's interleaved (value, index) arrays, and boolean[] buffers
 * have no MPI equivalent and go to the portable algorithms over point-to-point.
 */
final class FfmCollectives implements CollectiveEngine {
    private final FfmTransport t;
    private final Comm comm;
    private final Channel channel;
    private volatile CollectiveEngine portable;

    FfmCollectives(FfmTransport t, Comm comm, Channel channel) {
        this.t = t;
        this.comm = comm;
        this.channel = channel;
    }

    private CollectiveEngine portable() {
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

    private Request done(int rc, String what) {
        if (rc != 0) {
            throw new CohortException(ErrorClass.INTERN, comm.worldRankOf(comm.rank()), "rank " + comm.rank() + ": " + what
                    + " on " + comm.name() + " failed: " + FfmTransport.errorString(rc) + " (MPI error " + rc + ")");
        }
        return new Done(t, comm, what);
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException r) return r;
        if (e instanceof Error err) throw err;
        return new CohortException(ErrorClass.INTERN, -1, "ffm: " + e, e);
    }

    @Override
    public Request barrier() {
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
        synchronized (t.lock()) {
            try {
                return done((int) Mpi.BCAST.invokeExact(FfmTransport.segment(buf, type, offset, count), count, dt(type, buf), root,
                        mpiComm()), "bcast");
            } catch (Throwable e) {
                throw rethrow(e);
            }
        }
    }

    private Request reduction(MethodHandle h, String what, Object send, int sendOffset, Object recv, int recvOffset, int count,
                              ElementType type, long op) throws Throwable {
        MemorySegment s = send == null ? Mpi.IN_PLACE : FfmTransport.segment(send, type, sendOffset, count);
        MemorySegment r = FfmTransport.segment(recv, type, recvOffset, count);
        synchronized (t.lock()) {
            return done((int) h.invokeExact(s, r, count, dt(type, recv), op, mpiComm()), what);
        }
    }

    @Override
    public Request reduce(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType type, Op op, int root) {
        long o = mpiOp(op);
        if (o == 0 || anyBoolean(send, recv)) return portable().reduce(send, sendOffset, recv, recvOffset, count, type, op, root);
        MemorySegment s = send == null ? Mpi.IN_PLACE : FfmTransport.segment(send, type, sendOffset, count);
        MemorySegment r = recv == null ? MemorySegment.NULL : FfmTransport.segment(recv, type, recvOffset, count);
        synchronized (t.lock()) {
            try {
                return done((int) Mpi.REDUCE.invokeExact(s, r, count, TYPES[type.ordinal()], o, root, mpiComm()), "reduce");
            } catch (Throwable e) {
                throw rethrow(e);
            }
        }
    }

    @Override
    public Request allreduce(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType type, Op op) {
        long o = mpiOp(op);
        if (o == 0 || anyBoolean(send, recv)) return portable().allreduce(send, sendOffset, recv, recvOffset, count, type, op);
        try {
            return reduction(Mpi.ALLREDUCE, "allreduce", send, sendOffset, recv, recvOffset, count, type, o);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public Request scan(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType type, Op op) {
        long o = mpiOp(op);
        if (o == 0 || anyBoolean(send, recv)) return portable().scan(send, sendOffset, recv, recvOffset, count, type, op);
        try {
            return reduction(Mpi.SCAN, "scan", send, sendOffset, recv, recvOffset, count, type, o);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public Request exscan(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType type, Op op) {
        long o = mpiOp(op);
        if (o == 0 || anyBoolean(send, recv)) return portable().exscan(send, sendOffset, recv, recvOffset, count, type, op);
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
        try {
            return reduction(Mpi.EXSCAN, "exscan", send, sendOffset, recv, recvOffset, count, type, o);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public Request gatherv(Object send, int sendOffset, int sendCount, Object recv, int recvOffset, int[] counts, int[] displs,
                           ElementType type, int root) {
        if (anyBoolean(send, recv)) return portable().gatherv(send, sendOffset, sendCount, recv, recvOffset, counts, displs, type, root);
        Object any = send != null ? send : recv;
        MemorySegment s = send == null ? Mpi.IN_PLACE : FfmTransport.segment(send, type, sendOffset, sendCount);
        synchronized (t.lock()) {
            try {
                return done((int) Mpi.GATHERV.invokeExact(s, sendCount, dt(type, any), from(recv, type, recvOffset), ints(counts),
                        ints(displs), dt(type, recv == null ? any : recv), root, mpiComm()), "gatherv");
            } catch (Throwable e) {
                throw rethrow(e);
            }
        }
    }

    @Override
    public Request scatterv(Object send, int sendOffset, int[] counts, int[] displs, Object recv, int recvOffset, int recvCount,
                            ElementType type, int root) {
        if (anyBoolean(send, recv)) return portable().scatterv(send, sendOffset, counts, displs, recv, recvOffset, recvCount, type, root);
        Object any = recv != null ? recv : send;
        MemorySegment r = recv == null ? Mpi.IN_PLACE : FfmTransport.segment(recv, type, recvOffset, recvCount);
        synchronized (t.lock()) {
            try {
                return done((int) Mpi.SCATTERV.invokeExact(from(send, type, sendOffset), ints(counts), ints(displs),
                        dt(type, send == null ? any : send), r, recvCount, dt(type, any), root, mpiComm()), "scatterv");
            } catch (Throwable e) {
                throw rethrow(e);
            }
        }
    }

    @Override
    public Request allgatherv(Object send, int sendOffset, int sendCount, Object recv, int recvOffset, int[] counts, int[] displs,
                              ElementType type) {
        if (anyBoolean(send, recv)) return portable().allgatherv(send, sendOffset, sendCount, recv, recvOffset, counts, displs, type);
        MemorySegment s = send == null ? Mpi.IN_PLACE : FfmTransport.segment(send, type, sendOffset, sendCount);
        synchronized (t.lock()) {
            try {
                return done((int) Mpi.ALLGATHERV.invokeExact(s, sendCount, dt(type, send == null ? recv : send),
                        from(recv, type, recvOffset), ints(counts), ints(displs), dt(type, recv), mpiComm()), "allgatherv");
            } catch (Throwable e) {
                throw rethrow(e);
            }
        }
    }

    @Override
    public Request alltoallv(Object send, int sendOffset, int[] sendCounts, int[] sendDispls, Object recv, int recvOffset,
                             int[] recvCounts, int[] recvDispls, ElementType type) {
        if (anyBoolean(send, recv)) {
            return portable().alltoallv(send, sendOffset, sendCounts, sendDispls, recv, recvOffset, recvCounts, recvDispls, type);
        }
        synchronized (t.lock()) {
            try {
                return done((int) Mpi.ALLTOALLV.invokeExact(from(send, type, sendOffset), ints(sendCounts), ints(sendDispls),
                        dt(type, send), from(recv, type, recvOffset), ints(recvCounts), ints(recvDispls), dt(type, recv),
                        mpiComm()), "alltoallv");
            } catch (Throwable e) {
                throw rethrow(e);
            }
        }
    }

    @Override
    public Request reduceScatter(Object send, int sendOffset, Object recv, int recvOffset, int[] counts, ElementType type, Op op) {
        long o = mpiOp(op);
        if (o == 0 || anyBoolean(send, recv)) return portable().reduceScatter(send, sendOffset, recv, recvOffset, counts, type, op);
        long total = 0;
        for (int c : counts) total += c;
        MemorySegment s = send == null ? Mpi.IN_PLACE : FfmTransport.segment(send, type, sendOffset, (int) total);
        MemorySegment r = send == null ? FfmTransport.segment(recv, type, recvOffset, (int) total)
                : FfmTransport.segment(recv, type, recvOffset, counts[comm.rank()]);
        synchronized (t.lock()) {
            try {
                return done((int) Mpi.REDUCE_SCATTER.invokeExact(s, r, ints(counts), TYPES[type.ordinal()], o, mpiComm()),
                        "reduceScatter");
            } catch (Throwable e) {
                throw rethrow(e);
            }
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
    static final class NativeRequest extends Request {
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
                    resultError = t.mpiError(rc, what + " on " + comm.name() + " MPI_Test");
                    complete();
                    return true;
                }
                if (slot.get(ValueLayout.JAVA_INT, 16) != 0) {
                    resultSource = Comm.PROC_NULL;
                    resultTag = Comm.ANY_TAG;
                    complete();
                    return true;
                }
            }
            t.progress();
            return state == COMPLETE;
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
