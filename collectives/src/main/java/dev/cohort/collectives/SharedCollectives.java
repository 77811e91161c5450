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
import dev.cohort.spi.Spinning;
import dev.cohort.spi.Words;

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
    /** Up to this many bytes, barrier, bcast, reduce and allreduce take the small-message path ({@link #small}). */
    static final long SMALL_BYTES = Long.getLong("cohort.coll.smallBytes", 1024);

    /** How long a blocking small collective spins inline for the other ranks before it becomes a request. */
    private static final int NOW_SPINS = Integer.getInteger("cohort.coll.inlineSpins", 2048);
    /** NOW_SPINS, or a single look when the process runs more ranks than cores (see {@link Spinning}). */
    private final int nowSpins;

    private final Channel ch;
    private final PortableCollectives portable;
    final Board board;   // package-private for tests
    private final int n, me;
    private long seq;
    /** What a blocking small collective finished inline returns: complete, shared, never changed. */
    private final Arrival completed;
    private final CollectiveEngine blocking = new Blocking();

    SharedCollectives(Channel ch, SharedMemory memory) {
        this.ch = ch;
        this.portable = new PortableCollectives(ch);
        Comm c = ch.comm();
        this.n = c.size();
        this.me = c.rank();
        this.board = memory.shared(Arrays.asList("cohort.collectives", c.contextId(), c.worldRankOf(0)), () -> new Board(n));
        this.nowSpins = ch.transport().engine().oversubscribed() ? 1 : NOW_SPINS;
        this.completed = new Arrival(ch, "collective");
        completed.done();
    }

    @Override
    public CollectiveEngine forBlockingCalls() {
        return blocking;
    }

    /** The engine for blocking calls: small barrier, bcast, reduce and allreduce run inline; the rest as for nonblocking ones. */
    private final class Blocking implements CollectiveEngine {
        @Override
        public Request barrier() {
            return small(true, "barrier", null, 0, null, 0, 0, null, null, -1, true);
        }

        @Override
        public Request bcast(Object buf, ElementType t, int offset, int count, int root) {
            return SharedCollectives.this.bcast(true, buf, t, offset, count, root);
        }

        @Override
        public Request reduce(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op, int root) {
            return reduction(true, send, sendOffset, recv, recvOffset, count, t, op, root, "reduce");
        }

        @Override
        public Request allreduce(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op) {
            return reduction(true, send, sendOffset, recv, recvOffset, count, t, op, -1, "allreduce");
        }

        @Override
        public Request scan(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op) {
            return SharedCollectives.this.scan(send, sendOffset, recv, recvOffset, count, t, op);
        }

        @Override
        public Request exscan(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op) {
            return SharedCollectives.this.exscan(send, sendOffset, recv, recvOffset, count, t, op);
        }

        @Override
        public Request gatherv(Object send, int sendOffset, int sendCount, Object recv, int recvOffset, int[] counts, int[] displs,
                               ElementType t, int root) {
            return SharedCollectives.this.gatherv(send, sendOffset, sendCount, recv, recvOffset, counts, displs, t, root);
        }

        @Override
        public Request scatterv(Object send, int sendOffset, int[] counts, int[] displs, Object recv, int recvOffset, int recvCount,
                                ElementType t, int root) {
            return SharedCollectives.this.scatterv(send, sendOffset, counts, displs, recv, recvOffset, recvCount, t, root);
        }

        @Override
        public Request allgatherv(Object send, int sendOffset, int sendCount, Object recv, int recvOffset, int[] counts,
                                  int[] displs, ElementType t) {
            return SharedCollectives.this.allgatherv(send, sendOffset, sendCount, recv, recvOffset, counts, displs, t);
        }

        @Override
        public Request alltoallv(Object send, int sendOffset, int[] sendCounts, int[] sendDispls, Object recv, int recvOffset,
                                 int[] recvCounts, int[] recvDispls, ElementType t) {
            return SharedCollectives.this.alltoallv(send, sendOffset, sendCounts, sendDispls, recv, recvOffset, recvCounts,
                    recvDispls, t);
        }

        @Override
        public Request reduceScatter(Object send, int sendOffset, Object recv, int recvOffset, int[] counts, ElementType t,
                                     Op op) {
            return SharedCollectives.this.reduceScatter(send, sendOffset, recv, recvOffset, counts, t, op);
        }

        @Override
        public CollectiveEngine forBlockingCalls() {
            return this;
        }
    }

    /** The next collective's sequence number; its slot on the board is seq % ROUNDS. */
    private synchronized long nextSeq() {
        return seq++;
    }

    /** Collectives of this rank finished out of order (nonblocking ones may), not yet retired. */
    private final boolean[] finished = new boolean[ROUNDS];
    private long retired;

    /**
     * Records that collective r finished here; the rank's lane then says how far all of its
     * collectives have finished, in order, which is what lets another rank reuse a slot.
     */
    private synchronized void retire(long r) {
        finished[(int) (r % ROUNDS)] = true;
        while (finished[(int) (retired % ROUNDS)]) {
            finished[(int) (retired % ROUNDS)] = false;
            retired++;
        }
        board.lanes[me].done = retired - 1;
    }

    // ---------------------------------------------------------------- shared state

    /** The rounds of one communicator, shared by its ranks. */
    static final class Board {
        final Round[] rounds = new Round[ROUNDS];
        /** Small-message path: posts[slot][rank], and each rank's lane. */
        final Post[][] posts = new Post[ROUNDS][];
        final Lane[] lanes;
        final Parked[] parked;

        Board(int n) {
            for (int i = 0; i < ROUNDS; i++) rounds[i] = new Round(n);
            lanes = new Lane[n];
            parked = new Parked[n];
            for (int j = 0; j < n; j++) {
                lanes[j] = new Lane();
                parked[j] = new Parked();
            }
            for (int i = 0; i < ROUNDS; i++) {
                posts[i] = new Post[n];
                for (int j = 0; j < n; j++) {
                    Post p = new Post();
                    p.cells[0] = -1;
                    posts[i][j] = p;
                }
            }
        }
    }

    /**
     * Small-message path: what one rank contributed to one collective, by value. Written by its rank,
     * then published by writing the collective's sequence number; read by the others. Padded so that
     * two ranks' posts never share a cache line.
     */
    static final class Post extends Pad {
        /** Word 0: the sequence number of the collective last published here; then up to INLINE_BYTES of data. */
        final long[] cells = new long[CELLS];
        String call;
        int count, root;
        ElementType t;
        Op op;
        /** Whether the data is inline in cells; else it is in {@link #data}. */
        boolean inline;
        /** A copy of the rank's data when it is not inline. */
        final Reusable data = new Reusable();
        /** Work space of the owning rank for combining the posts of this slot's collective. */
        final Reusable scratch = new Reusable();
        long q0, q1, q2, q3, q4, q5, q6, q7;
    }

    /** An array kept for reuse: replaced only when a call needs another element type or more room. */
    static final class Reusable {
        Object array;
        private ElementType type;

        Object get(ElementType t, int count) {
            if (type != t || ElementType.capacity(array) < count) {
                array = t.newArray(Math.max(count, 8));
                type = t;
            }
            return array;
        }
    }

    static class Pad {
        long p0, p1, p2, p3, p4, p5, p6, p7;
    }

    /** Per rank: the last collective it finished, in order (for flow control); padded. */
    static final class Lane extends Pad {
        volatile long done = -1;
        long q0, q1, q2, q3, q4, q5, q6, q7;
    }

    /** Per rank: its thread while parked waiting on the board (apart from done, which changes every collective). */
    static final class Parked extends Pad {
        volatile Thread waiter;
        long q0, q1, q2, q3, q4, q5, q6, q7;
    }

    private static final int CELLS = 16;
    private static final int INLINE_BYTES = 8 * 8;
    private static final java.lang.invoke.VarHandle CELL = java.lang.invoke.MethodHandles.arrayElementVarHandle(long[].class);

    private static long seqOf(Post p) {
        return (long) CELL.getAcquire(p.cells, 0);
    }

    /** One collective's published buffers and its two synchronization points. */
    static final class Round {
        final Object[] in, out;
        final int[] inOff, outOff;
        /** What each rank called (operation, count, type, op, root), checked by every rank after the first sync. */
        final String[] call;
        final int[] count;
        final Object[] detail;   // element type, operation and root, compared by identity and value
        /** Per rank, the sequence number of the collective it last announced here (see {@link #finishSmall}). */
        final long[] announced;
        final Sync first, second;

        Round(int n) {
            in = new Object[n];
            out = new Object[n];
            inOff = new int[n];
            outOff = new int[n];
            call = new String[n];
            count = new int[n];
            detail = new Object[n];
            announced = new long[n];
            Arrays.fill(announced, -1);
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

    /**
     * Something a rank waits for on the board, as a request: it names the collective and what it waits
     * for (for deadlock reports) and completes with an empty status.
     */
    abstract static class BoardWait extends Request {
        private final Channel ch;
        private final String name, what;

        BoardWait(Channel ch, String name, String what) {
            super(ACTIVE);
            this.ch = ch;
            this.name = name;
            this.what = what;
        }

        final void done() {
            resultSource = Comm.PROC_NULL;
            resultTag = Comm.ANY_TAG;
            complete();
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
            return name + "(comm=" + ch.comm().name() + ", " + what + ")";
        }

        @Override
        protected boolean doCancel() {
            return false;
        }
    }

    /** A rank's arrival at a Sync; complete once every rank has arrived. */
    static final class Arrival extends BoardWait {
        Arrival(Channel ch, String what) {
            super(ch, what, "waiting for every rank to arrive");
        }

        @Override
        protected boolean poll() {
            return isComplete();
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
    private void announce(Round rd, long r, String what, int count, ElementType t, Op op, int root) {
        rd.call[me] = what;
        rd.count[me] = count;
        rd.detail[me] = t == null ? null : new Detail(t, op, root);
        rd.announced[me] = r;
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
            return d.t == t && d.root == root && sameOp(d.op, op);
        }

        @Override
        public int hashCode() {
            return t.hashCode() * 31 + root;
        }

        @Override
        public String toString() {
            return detailText(t, op, root);
        }
    }

    /** User operations are made on each rank: the same operation has the same name everywhere. */
    private static boolean sameOp(Op a, Op b) {
        return a == b || (a != null && b != null && a.name().equals(b.name()));
    }

    private static String detailText(ElementType t, Op op, int root) {
        return t == null ? "" : t + (op != null ? ", " + op.name() : "") + (root >= 0 ? ", root " + root : "");
    }

    private static String showCall(String call, ElementType t, Op op, int root, int count) {
        return call + "(" + detailText(t, op, root) + ") of " + count + " elements";
    }

    /** The error every rank throws when rank j's call differs from this rank's (described by the two texts). */
    private CohortException disagreement(ErrorClass c, String op, String mine, int j, String theirs) {
        return new CohortException(c, ch.comm().worldRankOf(me), "rank " + me + ": " + op + " on " + ch.comm().name()
                + ": the ranks disagree: rank " + me + " called " + mine + ", rank " + j + " called " + theirs);
    }

    /**
     * After the first sync: every rank must have made the same call with the same count; otherwise the
     * ranks would read each other's buffers out of bounds. Every rank sees the same board, so all fail.
     */
    private void agree(Round rd, String op) {
        for (int j = 0; j < n; j++) {
            boolean sameCall = rd.call[j] == rd.call[me] && java.util.Objects.equals(rd.detail[j], rd.detail[me]);
            if (rd.count[j] != rd.count[me] || !sameCall) {
                throw disagreement(sameCall ? ErrorClass.COUNT : ErrorClass.ARG, op, show(rd, me), j, show(rd, j));
            }
        }
    }

    private static String show(Round rd, int r) {
        return rd.call[r] + "(" + (rd.detail[r] == null ? "" : rd.detail[r]) + ") of " + rd.count[r] + " elements";
    }

    // ---------------------------------------------------------------- operations

    @Override
    public Request barrier() {
        return small(false, "barrier", null, 0, null, 0, 0, null, null, -1, true);
    }

    @Override
    public Request bcast(Object buf, ElementType t, int offset, int count, int root) {
        return bcast(false, buf, t, offset, count, root);
    }

    private Request bcast(boolean now, Object buf, ElementType t, int offset, int count, int root) {
        if ((long) count * t.size() <= SMALL_BYTES) return small(now, "bcast", buf, offset, buf, offset, count, t, null, root, false);
        long r = nextSeq();
        Round rd = board.rounds[(int) (r % ROUNDS)];
        return new Shared(ch, "bcast") {
            @Override
            protected boolean step() {
                switch (phase++) {
                    case 0:
                        if (me == root) {
                            rd.in[root] = buf;
                            rd.inOff[root] = offset;
                        }
                        announce(rd, r, "bcast", count, t, null, root);
                        follow(rd.first.arrive(ch, "bcast", me));
                        return false;
                    case 1:
                        agree(rd, "bcast");
                        if (me != root) Buffers.copy(rd.in[root], rd.inOff[root], buf, offset, count);
                        follow(rd.second.arrive(ch, "bcast", me));
                        return false;
                    default:
                        if (me == root) rd.in[root] = null;
                        retire(r);
                        return true;
                }
            }
        }.begin();
    }

    @Override
    public Request reduce(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op, int root) {
        return reduction(false, send, sendOffset, recv, recvOffset, count, t, op, root, "reduce");
    }

    @Override
    public Request allreduce(Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op) {
        return reduction(false, send, sendOffset, recv, recvOffset, count, t, op, -1, "allreduce");
    }

    private Request reduction(boolean now, Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t,
                              Op op, int root, String name) {
        if ((long) count * t.size() <= SMALL_BYTES) {
            return send == null ? small(now, name, recv, recvOffset, recv, recvOffset, count, t, op, root, true)
                    : small(now, name, send, sendOffset, recv, recvOffset, count, t, op, root, true);
        }
        long r = nextSeq();
        Round rd = board.rounds[(int) (r % ROUNDS)];
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
                        announce(rd, r, name, count, t, op, root);
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
                        retire(r);
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

    // ---------------------------------------------------------------- small messages

    /**
     * Barrier, bcast, reduce and allreduce of up to {@link #SMALL_BYTES}: every contributing rank
     * copies its data into its post for this collective and publishes it with one volatile write; the
     * ranks that need the result wait for the posts they read (all of them, or the root's), check that
     * every rank made the same call, and combine them in rank order themselves. One handoff of one
     * cache line per rank, no second synchronization: a post is overwritten only {@value #ROUNDS}
     * collectives later, and a rank that could run that far ahead (a bcast root, a reduce non-root)
     * first waits until every rank has finished the collective that used the slot before.
     *
     * <p>With {@code now} (a blocking call) the steps run inline first: publish, then spin a while for
     * the other ranks; when they have all come, the collective is finished without a request object,
     * a waiting object or a lambda, and the returned request is a shared completed one. Only when they
     * have not (or the slot is still in use) does it continue as a request, which waits with the
     * rank's idle strategy, parking and deadlock detection.
     *
     * @param reduces  true for barrier / reduce / allreduce (every rank posts), false for bcast (the root posts)
     */
    private Request small(boolean now, String name, Object in, int inOff, Object out, int outOff, int count, ElementType t, Op op,
                          int root, boolean reduces) {
        long r = nextSeq();
        int slot = (int) (r % ROUNDS);
        Post[] posts = board.posts[slot];
        boolean contributes = reduces || me == root;
        boolean reads = root < 0 || me == root || !reduces;
        boolean inline = now && !(contributes && r >= ROUNDS && !slotFree(r));
        if (inline) {
            if (contributes) publish(posts[me], r, name, in, inOff, count, t, op, root);
            if (!reads) {
                retire(r);
                return completed;
            }
            for (int i = 0; i < nowSpins; i++) {
                if (arrived(posts, r, root, reduces)) {
                    try {
                        finishSmall(posts, r, name, out, outOff, count, t, op, root, reduces);
                    } finally {
                        retire(r);
                    }
                    return completed;
                }
                Thread.onSpinWait();
            }
        }
        return new Shared(ch, name) {
            {
                if (inline) phase = 1;   // published above
            }

            @Override
            protected boolean step() {
                switch (phase) {
                    case 0:
                        phase = 1;
                        if (contributes && r >= ROUNDS && !slotFree(r)) {
                            follow(new Await(ch, name, "waiting for every rank to finish the collective " + ROUNDS
                                    + " before this one", () -> slotFree(r), board.parked[me], now));
                            return false;
                        }
                        // fall through
                    case 1:
                        phase = 2;
                        if (contributes && !inline) publish(posts[me], r, name, in, inOff, count, t, op, root);
                        if (!reads) {
                            retire(r);
                            return true;
                        }
                        if (!arrived(posts, r, root, reduces)) {
                            follow(new Await(ch, name, reduces ? "waiting for every rank to arrive" : "waiting for the root",
                                    () -> arrived(posts, r, root, reduces), board.parked[me], now));
                            return false;
                        }
                        // fall through
                    default:
                        try {
                            finishSmall(posts, r, name, out, outOff, count, t, op, root, reduces);
                        } finally {
                            retire(r);
                        }
                        return true;
                }
            }
        }.begin();
    }

    /** Every rank's done, as last read (a lower bound: done only grows); guarded by this. */
    private long doneSeen = -1;

    /**
     * True when every rank has finished collective r - ROUNDS, whose slot r reuses. Reads the other
     * ranks' lanes (lines they write on every collective) only when the last reading is too old,
     * about once every ROUNDS collectives.
     */
    private synchronized boolean slotFree(long r) {
        if (doneSeen >= r - ROUNDS) return true;
        doneSeen = minDone(board.lanes);
        return doneSeen >= r - ROUNDS;
    }

    private static long minDone(Lane[] lanes) {
        long m = Long.MAX_VALUE;
        for (Lane l : lanes) m = Math.min(m, l.done);
        return m;
    }

    /** True when every post this rank reads carries sequence number r. */
    private boolean arrived(Post[] posts, long r, int root, boolean reduces) {
        if (!reduces) return seqOf(posts[root]) == r || tookLargePath(root, r);
        for (int j = 0; j < n; j++) if (seqOf(posts[j]) != r && !tookLargePath(j, r)) return false;
        return true;
    }

    /**
     * True when rank j made collective r on the large-message path: it passed a count (or type) that
     * puts the call above {@link #SMALL_BYTES} where this rank's is below. Such a post never comes;
     * {@link #finishSmall} reports the disagreement instead.
     */
    private boolean tookLargePath(int j, long r) {
        return board.rounds[(int) (r % ROUNDS)].announced[j] == r;
    }

    private void publish(Post p, long r, String name, Object in, int inOff, int count, ElementType t, Op op, int root) {
        // the call's description is written only when it changes, so a repeated call dirties one line
        if (p.call != name) p.call = name;
        if (p.count != count) p.count = count;
        if (p.t != t) p.t = t;
        if (p.op != op) p.op = op;
        if (p.root != root) p.root = root;
        if (count > 0) {
            boolean inline = Words.fits(in, t, count, INLINE_BYTES);
            if (p.inline != inline) p.inline = inline;
            if (inline) {
                Words.copyIn(in, inOff, t, count, p.cells, 1);
            } else {
                Buffers.copy(in, inOff, p.data.get(t, count), 0, count);
            }
        }
        CELL.setVolatile(p.cells, 0, r);   // volatile: the read of the parked threads below comes after it
        Parked[] parked = board.parked;
        for (int j = 0; j < parked.length; j++) {
            Thread w = parked[j].waiter;
            if (w != null && j != me) java.util.concurrent.locks.LockSupport.unpark(w);
        }
    }

    /** Checks the call against the posts read, then combines (in rank order) or copies them into out. */
    private void finishSmall(Post[] posts, long r, String name, Object out, int outOff, int count, ElementType t, Op op,
                             int root, boolean reduces) {
        Post mine = posts[reduces ? me : root];
        for (int j = 0; j < n; j++) {
            if (!reduces && j != root) continue;
            Post p = posts[j];
            if (seqOf(p) != r) {
                throw disagreement(ErrorClass.COUNT, name, showCall(name, t, op, root, count), j,
                        show(board.rounds[(int) (r % ROUNDS)], j));
            }
            boolean sameCall = p.call == name && p.t == t && p.root == root && sameOp(p.op, op);
            if (p.count != count || !sameCall) {
                throw disagreement(sameCall ? ErrorClass.COUNT : ErrorClass.ARG, name, showCall(name, t, op, root, count), j,
                        showCall(p.call, p.t, p.op, p.root, p.count));
            }
        }
        if (count == 0 || (root >= 0 && reduces && me != root)) return;
        if (!reduces) {
            if (me != root) copyOut(mine, out, outOff, count, t);
            return;
        }
        copyOut(posts[0], out, outOff, count, t);
        Object scratch = null;
        for (int j = 1; j < n; j++) {
            Post p = posts[j];
            Object in = p.data.array;
            if (p.inline || !op.isCommutative()) {
                // inline data, or dst = dst op in_j for a non-commutative op: go through scratch
                if (scratch == null) scratch = posts[me].scratch.get(t, count);
                copyOut(p, scratch, 0, count, t);
                in = scratch;
            }
            if (op.isCommutative()) {
                op.apply(in, 0, out, outOff, count, t);
            } else {
                op.apply(out, outOff, scratch, 0, count, t);
                Buffers.copy(scratch, 0, out, outOff, count);
            }
        }
    }

    private static void copyOut(Post p, Object out, int outOff, int count, ElementType t) {
        if (p.inline) Words.copyOut(p.cells, 1, out, outOff, t, count);
        else Buffers.copy(p.data.array, 0, out, outOff, count);
    }


    /**
     * Waits for a condition on the board; the rank's parked slot names the waiting thread, which a
     * publishing rank unparks.
     */
    private static final class Await extends BoardWait {
        private final java.util.function.BooleanSupplier ready;
        private final Parked parked;
        /** A blocking call's wait: it also advances the rank's nonblocking requests (see poll). */
        private final boolean progresses;

        Await(Channel ch, String name, String what, java.util.function.BooleanSupplier ready, Parked parked, boolean progresses) {
            super(ch, name, what);
            this.ready = ready;
            this.parked = parked;
            this.progresses = progresses;
        }

        @Override
        protected boolean poll() {
            if (isComplete()) return true;
            if (!ready.getAsBoolean()) {
                // A rank blocked in a collective must still advance its nonblocking ones (those of the
                // portable algorithms step only when polled): another rank may wait for them before it
                // joins this collective, a legal order that otherwise stalls (reported as a deadlock).
                if (progresses) engine().progress();
                return false;
            }
            // Leave the rank's parked slot as it was before this wait. The collective that waited drops
            // this request once it is done, so the waiter's later registerWaiter(null) never reaches
            // it: left set, the slot had every publish of the other ranks unpark a running thread
            // (a futex call each) from then on, which more than tripled a small allreduce.
            Thread t = registered;
            if (t != null) {
                registered = null;
                WAITER.compareAndSet(parked, t, null);
            }
            done();
            return true;
        }

        /** The thread this wait put in the parked slot, if any. */
        private Thread registered;

        @Override
        protected void registerWaiter(Thread t) {
            super.registerWaiter(t);
            registered = t;
            parked.waiter = t;
        }
    }

    private static final java.lang.invoke.VarHandle WAITER;

    static {
        try {
            WAITER = java.lang.invoke.MethodHandles.lookup().findVarHandle(Parked.class, "waiter", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A shared-memory collective: steps through phases separated by Sync arrivals. */
    private abstract static class Shared extends CollectiveRequest {
        int phase;

        Shared(Channel ch, String name) {
            super(ch, name);
        }
    }
}
