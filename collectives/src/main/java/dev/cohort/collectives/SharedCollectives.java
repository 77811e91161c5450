package dev.cohort.collectives;

import dev.cohort.CohortException;
import dev.cohort.CollectiveRequest;
import dev.cohort.Comm;
import dev.cohort.ErrorClass;
import dev.cohort.ElementType;
import dev.cohort.Op;
import dev.cohort.Request;
import dev.cohort.spi.Channel;
import dev.cohort.spi.CollectiveEngine;
import dev.cohort.spi.ProgressEngine;
import dev.cohort.spi.SharedMemory;

import java.util.Arrays;

/**
 * Collectives for ranks that share a JVM (the local transport). Ranks publish references to their
 * buffers on a board shared by the communicator's ranks and read each other's memory directly, so a
 * broadcast is one copy per receiver and an allreduce reads every input once and writes every output
 * once: each rank reduces one slice of everyone's input (in rank order, so non-commutative operations
 * and floating-point results are the same on every rank) and writes it into every rank's output.
 *
 * <p>Barrier, bcast, reduce and allreduce run here; the other collectives go to
 * {@link PortableCollectives}. A board has {@value #ROUNDS} round slots, so at most that many
 * nonblocking collectives of one communicator may be in flight at once.
 */
final class SharedCollectives implements CollectiveEngine {
    static final int ROUNDS = 64;
    /** Elements per chunk of the fused reduce kernels (keeps the partial result in cache). */
    private static final int CHUNK = 4096;
    /** Below this many bytes every rank reduces the whole vector itself instead of a slice. */
    private static final long SLICE_BYTES = 16 * 1024;

    private final Channel ch;
    private final PortableCollectives portable;
    private final Board board;
    private final int n, me;
    private long seq;

    SharedCollectives(Channel ch, SharedMemory memory) {
        this.ch = ch;
        this.portable = new PortableCollectives(ch);
        Comm c = ch.comm();
        this.n = c.size();
        this.me = c.rank();
        this.board = memory.shared(Arrays.asList("cohort.collectives", c.contextId(), c.worldRankOf(0)), () -> new Board(n));
    }

    private synchronized Round nextRound() {
        return board.rounds[(int) (seq++ % ROUNDS)];
    }

    // ---------------------------------------------------------------- shared state

    /** The rounds of one communicator, shared by its ranks. */
    static final class Board {
        final Round[] rounds = new Round[ROUNDS];

        Board(int n) {
            for (int i = 0; i < ROUNDS; i++) rounds[i] = new Round(n);
        }
    }

    /** One collective's published buffers and its two synchronization points. */
    static final class Round {
        final Object[] in, out;
        final int[] inOff, outOff;
        /** What each rank called (operation, count, type, op, root), checked by every rank after the first sync. */
        final String[] call;
        final int[] count;
        final Object[] detail;   // element type, operation and root, compared by identity and value
        final Sync first, second;

        Round(int n) {
            in = new Object[n];
            out = new Object[n];
            inOff = new int[n];
            outOff = new int[n];
            call = new String[n];
            count = new int[n];
            detail = new Object[n];
            first = new Sync(n);
            second = new Sync(n);
        }
    }

    /**
     * A reusable arrival point: each rank leaves its arrival request in its own slot, then counts
     * itself in with one atomic increment; the last of n completes everyone's. No lock, so ranks that
     * arrive together do not inflate a monitor and park on it.
     */
    static final class Sync {
        private final Arrival[] waiting;
        private final java.util.concurrent.atomic.AtomicInteger arrived = new java.util.concurrent.atomic.AtomicInteger();

        Sync(int n) {
            waiting = new Arrival[n];
        }

        Arrival arrive(Channel ch, String what, int rank) {
            Arrival a = new Arrival(ch, what);
            waiting[rank] = a;                      // published by the increment below
            if (arrived.incrementAndGet() == waiting.length) {
                arrived.set(0);                     // this Sync is next used ROUNDS collectives later
                for (int i = 0; i < waiting.length; i++) {
                    Arrival x = waiting[i];
                    waiting[i] = null;
                    x.done();
                }
            }
            return a;
        }
    }

    /** A rank's arrival at a Sync; complete once every rank has arrived. */
    static final class Arrival extends Request {
        private final Channel ch;
        private final String what;

        Arrival(Channel ch, String what) {
            super(ACTIVE);
            this.ch = ch;
            this.what = what;
        }

        void done() {
            resultSource = Comm.PROC_NULL;
            resultTag = Comm.ANY_TAG;
            complete();
        }

        @Override
        protected boolean poll() {
            return isComplete();
        }

        @Override
        protected Comm comm() {
            return ch.comm();
        }

        @Override
        protected ProgressEngine engine() {
            return ch.transport().engine();
        }

        @Override
        public String describe() {
            return what + "(comm=" + ch.comm().name() + ", waiting for every rank to arrive)";
        }

        @Override
        protected boolean doCancel() {
            return false;
        }
    }

    // ---------------------------------------------------------------- kernels

    /**
     * dst[dOff + i] = in_0 op in_1 op ... op in_(n-1) at [base + i] for i in [0, len), in rank order.
     * Copies each finished chunk to {@code copies} (other outputs at the same position) while it is hot.
     */
    private static void fold(Round rd, int base, int len, Object dst, int dOff, Object[] copies, int[] copyOffs, ElementType t,
                             Op op, Object scratch) {
        int n = rd.in.length;
        for (int c = 0; c < len; c += CHUNK) {
            int m = Math.min(CHUNK, len - c);
            Buffers.copy(rd.in[0], rd.inOff[0] + base + c, dst, dOff + c, m);
            for (int j = 1; j < n; j++) {
                if (op.isCommutative()) {
                    op.apply(rd.in[j], rd.inOff[j] + base + c, dst, dOff + c, m, t);
                } else {
                    // dst = dst op in_j without touching in_j: combine into scratch, then copy back
                    Buffers.copy(rd.in[j], rd.inOff[j] + base + c, scratch, 0, m);
                    op.apply(dst, dOff + c, scratch, 0, m, t);
                    Buffers.copy(scratch, 0, dst, dOff + c, m);
                }
            }
            if (copies != null) {
                for (int k = 0; k < copies.length; k++) {
                    if (copies[k] != null && copies[k] != dst) Buffers.copy(dst, dOff + c, copies[k], copyOffs[k] + c, m);
                }
            }
        }
    }

    /** Publishes what this rank called (no allocation: a literal name, the count, and a small detail key). */
    private void announce(Round rd, String what, int count, ElementType t, Op op, int root) {
        rd.call[me] = what;
        rd.count[me] = count;
        rd.detail[me] = t == null ? null : new Detail(t, op, root);
    }

    /** Element type, operation and root of a call, for the agreement check. */
    private static final class Detail {
        final ElementType t;
        final Op op;
        final int root;

        Detail(ElementType t, Op op, int root) {
            this.t = t;
            this.op = op;
            this.root = root;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Detail)) return false;
            Detail d = (Detail) o;
            // user operations are made on each rank: compare them by name
            return d.t == t && d.root == root && (d.op == op || (d.op != null && op != null && d.op.name().equals(op.name())));
        }

        @Override
        public int hashCode() {
            return t.hashCode() * 31 + root;
        }

        @Override
        public String toString() {
            return t + (op != null ? ", " + op.name() : "") + (root >= 0 ? ", root " + root : "");
        }
    }

    /**
     * After the first sync: every rank must have made the same call with the same count; otherwise the
     * ranks would read each other's buffers out of bounds. Every rank sees the same board, so all fail.
     */
    private void agree(Round rd, String op) {
        for (int j = 0; j < n; j++) {
            boolean sameCall = rd.call[j] == rd.call[me] && java.util.Objects.equals(rd.detail[j], rd.detail[me]);
            if (rd.count[j] != rd.count[me] || !sameCall) {
                ErrorClass c = sameCall ? ErrorClass.COUNT : ErrorClass.ARG;
                throw new CohortException(c, ch.comm().worldRankOf(me), "rank " + me + ": " + op + " on " + ch.comm().name()
                        + ": the ranks disagree: rank " + me + " called " + show(rd, me) + ", rank " + j + " called "
                        + show(rd, j));
            }
        }
    }

    private static String show(Round rd, int r) {
        return rd.call[r] + "(" + (rd.detail[r] == null ? "" : rd.detail[r]) + ") of " + rd.count[r] + " elements";
    }

    // ---------------------------------------------------------------- operations

    @Override
    public Request barrier() {
        Round rd = nextRound();
        return new Shared(ch, "barrier") {
            @Override
            protected boolean step() {
                if (phase++ == 0) {
                    announce(rd, "barrier", 0, null, null, -1);
                    follow(rd.first.arrive(ch, "barrier", me));
                    return false;
                }
                agree(rd, "barrier");
                return true;
            }
        }.begin();
    }

    @Override
    public Request bcast(Object buf, ElementType t, int offset, int count, int root) {
        Round rd = nextRound();
        return new Shared(ch, "bcast") {
            @Override
            protected boolean step() {
                switch (phase++) {
                    case 0:
                        if (me == root) {
                            rd.in[root] = buf;
                            rd.inOff[root] = offset;
                        }
                        announce(rd, "bcast", count, t, null, root);
                        follow(rd.first.arrive(ch, "bcast", me));
                        return false;
                    case 1:
                        agree(rd, "bcast");
                        if (me != root) Buffers.copy(rd.in[root], rd.inOff[root], buf, offset, count);
                        follow(rd.second.arrive(ch, "bcast", me));
                        return false;
                    default:
                        if (me == root) rd.in[root] = null;
                        return true;
                }
            }
        }.begin();
    }

    @Override
    public Request reduce(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op, int root) {
        return reduction(send, sendOffset, recv, recvOffset, count, t, op, root, "reduce");
    }

    @Override
    public Request allreduce(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op) {
        return reduction(send, sendOffset, recv, recvOffset, count, t, op, -1, "allreduce");
    }

    private Request reduction(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op, int root,
                              String name) {
        Round rd = nextRound();
        boolean sliced = (long) count * t.size() >= SLICE_BYTES && count >= n;
        return new Shared(ch, name) {
            @Override
            protected boolean step() {
                switch (phase++) {
                    case 0:
                        if (send == null) {
                            rd.in[me] = Buffers.copyOf(recv, recvOffset, count, t);
                            rd.inOff[me] = 0;
                        } else {
                            rd.in[me] = send;
                            rd.inOff[me] = sendOffset;
                        }
                        rd.out[me] = recv;
                        rd.outOff[me] = recvOffset;
                        announce(rd, name, count, t, op, root);
                        follow(rd.first.arrive(ch, name, me));
                        return false;
                    case 1:
                        agree(rd, name);
                        compute();
                        follow(rd.second.arrive(ch, name, me));
                        return false;
                    default:
                        rd.in[me] = null;
                        rd.out[me] = null;
                        return true;
                }
            }

            private void compute() {
                Object scratch = op.isCommutative() ? null : t.newArray(Math.min(CHUNK, Math.max(count, 1)));
                if (!sliced) {
                    if (root < 0 || me == root) fold(rd, 0, count, recv, recvOffset, null, null, t, op, scratch);
                    return;
                }
                // slice bounds fall on whole (value, index) pairs for MINLOC / MAXLOC
                int unit = op.isLoc() ? 2 : 1, units = count / unit;
                int lo = (int) ((long) units * me / n) * unit, hi = me == n - 1 ? count : (int) ((long) units * (me + 1) / n) * unit;
                if (root >= 0) {
                    fold(rd, lo, hi - lo, rd.out[root], rd.outOff[root] + lo, null, null, t, op, scratch);
                    return;
                }
                Object[] others = new Object[n];
                int[] offs = new int[n];
                for (int j = 0; j < n; j++) {
                    others[j] = rd.out[j];
                    offs[j] = rd.outOff[j] + lo;
                }
                fold(rd, lo, hi - lo, recv, recvOffset + lo, others, offs, t, op, scratch);
            }
        }.begin();
    }

    @Override
    public Request scan(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op) {
        return portable.scan(send, sendOffset, recv, recvOffset, count, t, op);
    }

    @Override
    public Request exscan(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op) {
        return portable.exscan(send, sendOffset, recv, recvOffset, count, t, op);
    }

    @Override
    public Request gatherv(Object send, int sendOffset, int sendCount, Object recv, int recvOffset, int[] counts, int[] displs,
                           ElementType t, int root) {
        return portable.gatherv(send, sendOffset, sendCount, recv, recvOffset, counts, displs, t, root);
    }

    @Override
    public Request scatterv(Object send, int sendOffset, int[] counts, int[] displs, Object recv, int recvOffset, int recvCount,
                            ElementType t, int root) {
        return portable.scatterv(send, sendOffset, counts, displs, recv, recvOffset, recvCount, t, root);
    }

    @Override
    public Request allgatherv(Object send, int sendOffset, int sendCount, Object recv, int recvOffset, int[] counts, int[] displs,
                              ElementType t) {
        return portable.allgatherv(send, sendOffset, sendCount, recv, recvOffset, counts, displs, t);
    }

    @Override
    public Request alltoallv(Object send, int sendOffset, int[] sendCounts, int[] sendDispls, Object recv, int recvOffset,
                             int[] recvCounts, int[] recvDispls, ElementType t) {
        return portable.alltoallv(send, sendOffset, sendCounts, sendDispls, recv, recvOffset, recvCounts, recvDispls, t);
    }

    @Override
    public Request reduceScatter(Object send, int sendOffset, Object recv, int recvOffset, int[] counts, ElementType t, Op op) {
        return portable.reduceScatter(send, sendOffset, recv, recvOffset, counts, t, op);
    }

    /** A shared-memory collective: steps through phases separated by Sync arrivals. */
    private abstract static class Shared extends CollectiveRequest {
        int phase;

        Shared(Channel ch, String name) {
            super(ch, name);
        }
    }
}
