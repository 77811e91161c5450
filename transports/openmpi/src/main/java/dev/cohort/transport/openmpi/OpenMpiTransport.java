package dev.cohort.transport.openmpi;

import dev.cohort.CohortException;
import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.ErrorClass;
import dev.cohort.PersistentRequest;
import dev.cohort.Request;
import dev.cohort.Status;
import dev.cohort.spi.CollectiveEngineProvider;
import dev.cohort.spi.ProgressEngine;
import dev.cohort.spi.Transport;
import mpi.Intracomm;
import mpi.MPI;
import mpi.MPIException;

import java.nio.ByteBuffer;
import java.util.ArrayList;

/**
 * One process's rank over Open MPI. Every MPI call is made under {@link #lock} and none of them
 * blocks for long (sends are MPI_Isend plus tests, receives probe first or are posted and tested),
 * so any thread of the rank may call in whatever thread level MPI granted. The exception: below
 * MPI_THREAD_MULTIPLE a blocking collective of 4 KiB or more holds the lock in MPI's blocking call,
 * once every rank has reached it (MpiCollRequest).
 *
 * <p>Message envelopes: a Cohort tag t with element type e travels as MPI tag {@code t << 5 | e}
 * on the communicator's own MPI communicator, as bytes. Each message is one MPI message on that tag
 * of a {@link #PREFIX}: the message's length in bytes, the sender's rank in the communicator and a
 * rendezvous offer's id or 0 (ints), then the data, or, for a message longer than {@link #HEAD_DATA}
 * bytes, its first HEAD_DATA bytes (a <em>head</em> of exactly {@link #HEAD_BYTES}), its rest following
 * by rendezvous from a heap array when every rank has the native helper ({@link #startRendezvous},
 * {@link #pullRest}), else in chunks of at most {@link #CHUNK} bytes on tag {@code t << 5 | 16 | e}.
 * So every message has exactly one MPI message of at most HEAD_BYTES on its own tag, in sending order:
 * a receive posted with a HEAD_BYTES block is never truncated by MPI, and it learns length and sender
 * from the block, without the bindings' MPI_Status (which they build as a Java object from C, a fifth
 * of an 8-byte round trip). The chunks let the sender stage one while the receiver takes the one before.
 *
 * <p>A receive is queued and matched in posting order by {@link #matchPending()}: first against the
 * messages already taken out of MPI that no receive took (heads, and messages that arrived in a
 * posted block too small for them: {@link #arrived}), then MPI_Iprobe for its (source, tag, type);
 * a short message that fits is then received from the exact source and tag the probe found (the lock
 * keeps another thread from taking it in between); a head is received into {@link #arrived} first,
 * since only it tells the length. A message of another type (found by probing the other type codes
 * now and then) or longer than the buffer fails the receive without being consumed, as on every
 * transport.
 *
 * <p>A receive of at most HEAD_DATA bytes with a given tag, while no other receive waits on its
 * communicator and nothing arrived there unmatched, is posted to MPI ahead instead (MPI_Irecv into a
 * HEAD_BYTES block, then MPI_Test): every blocking one, and up to {@link #MAX_POSTED_AHEAD}
 * nonblocking ones. The bindings' MPI_Iprobe costs more than the rest of a short message's trip. What it gets that does not fit goes to {@link #arrived} and the receive goes
 * the general way (which then fails it); now and then it probes for a message of another type, and
 * withdraws (MPI_Cancel) to report it.
 */
final class OpenMpiTransport implements Transport, ProgressEngine {
    static final int TYPE_BITS = 4;
    /** MPI tag bit of a long message's chunks; the Cohort tag sits above it. */
    static final int CHUNK_BIT = 1 << TYPE_BITS;
    static final int TAG_SHIFT = TYPE_BITS + 1;
    /** The MPI message on a message's own tag is at most this long: a short message, or a long one's head. */
    static final int HEAD_BYTES = 64 * 1024;
    /**
     * Before the data on a message's own tag: its length in bytes, the sender's rank, and for a long
     * message sent by rendezvous its offer's id, else 0 (ints, native order), and an int of padding.
     */
    static final int PREFIX = 16;
    /** Data bytes on a message's own tag at most; longer messages have chunks. A multiple of 8. */
    static final int HEAD_DATA = HEAD_BYTES - PREFIX;
    /** A long message's rest goes in chunks of this many bytes (a multiple of 8). */
    static final int CHUNK = Math.max(4096, Integer.getInteger("cohort.openmpi.chunkBytes", 512 * 1024)) & ~7;
    private static final ElementType[] TYPES = ElementType.values();
    /**
     * Blocking sends of up to this many data bytes to another rank are MPI_Send under the lock: with
     * the prefix and Open MPI's own headers they stay under its shared-memory eager limit (4 KiB), so
     * they do not wait for the receiver. Larger ones, and sends to the rank itself (Open MPI's self
     * eager limit is 1 KiB, and the receiving thread needs the lock), are MPI_Isend plus tests.
     */
    private static final int EAGER_BYTES = Math.min(HEAD_DATA, Integer.getInteger("cohort.openmpi.eagerBytes", 4000));

    private static OpenMpiTransport instance;
    private static boolean finalized;
    private static String threadLevelName;

    /** Guards every MPI call and the queue of posted receives. */
    final Object lock = new Object();
    private final int rank;
    private final int size;
    private final int tagUpperBound;
    private final boolean threadMultiple;
    private final String processorName;
    final StagingPool pool = new StagingPool();
    private final mpi.Group worldGroup;
    private volatile Intracomm[] comms = new Intracomm[16];
    /** The MPI_Comm handle of each context's communicator, for the native helper (0 without it); written with comms. */
    private volatile long[] handles = new long[16];
    /** Posted receives in posting order; guarded by lock. */
    private final ArrayList<MpiOp> pending = new ArrayList<>();
    /** Messages taken out of MPI that no receive has taken yet, in arrival order; guarded by lock. */
    private final ArrayList<Arrived> arrived = new ArrayList<>();
    /** Started sends MPI has not completed, and started collectives; guarded by lock. */
    private final ArrayList<MpiOp> sending = new ArrayList<>();
    private final ArrayList<MpiCollRequest> collecting = new ArrayList<>();
    private final ThreadLocal<MpiOp> blockingRecv = new ThreadLocal<>();
    /** Polls now and then, so that requests complete (and their futures) while no rank thread waits. */
    private final Thread progressThread;
    /**
     * The MPI_Comm of the rendezvous communicator (a duplicate of MPI_COMM_WORLD), or 0 when long
     * messages go as chunks: the native helper is missing on some rank, or
     * {@code -Dcohort.openmpi.rendezvous=false}.
     */
    private final long rendezvousComm;
    /** Offer ids run from 1 to MPI's tag upper bound (they are the rests' tags), then wrap. Guarded by lock. */
    private final int offerIdLimit;
    private int nextOffer = 1;
    /** This rank's offers not yet sent. Guarded by lock. */
    private int offers;
    private final MpiCollectivesProvider collectives = new MpiCollectivesProvider(this);
    private volatile boolean closed;

    private OpenMpiTransport(int provided) throws MPIException {
        this.threadMultiple = provided == MPI.THREAD_MULTIPLE;
        MPI.COMM_WORLD.setErrhandler(MPI.ERRORS_RETURN);
        this.rank = MPI.COMM_WORLD.getRank();
        this.size = MPI.COMM_WORLD.getSize();
        Object ub = MPI.COMM_WORLD.getAttr(MPI.TAG_UB);
        int mpiUb = ub instanceof Integer ? (Integer) ub : 32767;
        this.tagUpperBound = mpiUb >>> TAG_SHIFT;
        this.processorName = MPI.getProcessorName();
        this.worldGroup = MPI.COMM_WORLD.getGroup();
        put(0, dupWorld());
        put(1, dupWorld());
        this.offerIdLimit = mpiUb;
        this.rendezvousComm = rendezvousComm();
        // at every thread level: its MPI calls are made under the lock like all others, so Open MPI
        // sees one thread at a time (as in the ffm transport, which runs Open MPI at SINGLE); without
        // it a request's future never completed unless a rank thread happened to call Cohort
        progressThread = new Thread(this::backgroundProgress, "cohort-openmpi-progress");
        progressThread.setDaemon(true);
        progressThread.start();
    }

    /** Interval of the background progress thread. */
    private static final long BACKGROUND_NANOS = Long.getLong("cohort.openmpi.progressMicros", 1000) * 1000;

    /**
     * Bumped by every poll of the rank's own threads (racy increments are fine: it only has to change).
     * While it changes they make progress themselves, and the background thread keeps off the lock
     * they spin on: taking it every millisecond inflated the monitor and parked the polling thread.
     */
    private volatile int heartbeat;

    private void backgroundProgress() {
        MpiOp[] sends = new MpiOp[0];
        MpiCollRequest[] colls = new MpiCollRequest[0];
        int seen = heartbeat;
        while (!closed) {
            java.util.concurrent.locks.LockSupport.parkNanos(BACKGROUND_NANOS);
            int h = heartbeat;
            if (h != seen) {
                seen = h;
                continue;
            }
            // Cohort-level nonblocking collectives (the portable algorithms: user-defined operations,
            // MINLOC / MAXLOC) step only when polled; while the rank's threads sit in a blocking MPI
            // collective, this keeps them going, as MPI progresses its own operations there
            try {
                progressOthers();
            } catch (RuntimeException e) {
                // the request's owner meets the same error when it next polls or waits
            }
            synchronized (lock) {   // held throughout (it is reentrant), so MPI cannot be finalized meanwhile
                if (closed) return;
                if (pending.isEmpty() && postedAhead.isEmpty() && sending.isEmpty() && collecting.isEmpty()) continue;
                matchLocked();
                pollPostedLocked();
                sends = sending.toArray(sends);
                colls = collecting.toArray(colls);
                for (int i = 0; i < sends.length && sends[i] != null; i++) {
                    pollSend(sends[i]);
                    sends[i] = null;
                }
                for (int i = 0; i < colls.length && colls[i] != null; i++) {
                    colls[i].poll();
                    colls[i] = null;
                }
            }
        }
    }

    /** True when MPI granted MPI_THREAD_MULTIPLE: threads may call MPI without the lock. */
    boolean threadMultiple() {
        return threadMultiple;
    }

    /** Registers a started collective for background progress; call under lock. */
    void tracking(MpiCollRequest r, boolean on) {
        if (on) collecting.add(r);
        else collecting.remove(r);
    }

    /**
     * Sets up rendezvous for long messages from heap arrays when every rank has the native helper
     * (one allreduce over MPI_COMM_WORLD at start-up): its communicator's handle, else 0.
     */
    private static long rendezvousComm() throws MPIException {
        boolean wanted = !"false".equalsIgnoreCase(System.getProperty("cohort.openmpi.rendezvous", "true").trim());
        int[] all = {wanted && Pinned.available() ? 1 : 0};
        MPI.COMM_WORLD.allReduce(all, 1, MPI.INT, MPI.MIN);
        return all[0] == 1 ? Pinned.comm(dupWorld()) : 0;
    }

    /** Whether long messages from heap arrays go by rendezvous (every rank has the native helper). */
    boolean rendezvous() {
        return rendezvousComm != 0;
    }

    private static Intracomm dupWorld() throws MPIException {
        Intracomm c = MPI.COMM_WORLD.dup();
        c.setErrhandler(MPI.ERRORS_RETURN);
        return c;
    }

    /** Initializes MPI (once per process, with the highest thread level it offers) and opens the rank. */
    static synchronized OpenMpiTransport open(String[] args) {
        if (instance != null && !instance.closed) {
            throw new CohortException(ErrorClass.SESSION, instance.rank, "openmpi: this process already has an open "
                    + "session; close it before calling Cohort.init again");
        }
        if (instance != null || finalized) {
            throw new CohortException(ErrorClass.SESSION, -1, "openmpi: this process already had a session; Open MPI "
                    + "cannot be initialized twice in one process (keep one session open for the whole program)");
        }
        try {
            int provided = MPI.InitThread(args == null ? new String[0] : args.clone(), requestedThreadLevel());
            threadLevelName = threadLevelName(provided);
            instance = new OpenMpiTransport(provided);
            instance.installExitHandling(Thread.currentThread());
            return instance;
        } catch (MPIException e) {
            throw new CohortException(ErrorClass.INTERN, -1, "openmpi: MPI initialization failed: " + e.getMessage(), e);
        }
    }

    /**
     * The thread level to ask for: MPI_THREAD_MULTIPLE, the highest, unless
     * {@code -Dcohort.openmpi.threadLevel=serialized|funneled|single} (every MPI call of this transport
     * is then made under its lock, blocking collectives included: MpiCollectives). Only SINGLE spares
     * Open MPI 4.1's internal locking, which it turns on for every level above it: the raw bindings'
     * 8-byte ping-pong took 1.3x as long at MULTIPLE here (README).
     */
    private static int requestedThreadLevel() {
        String given = System.getProperty("cohort.openmpi.threadLevel", "multiple");
        switch (given.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "multiple": return MPI.THREAD_MULTIPLE;
            case "serialized": return MPI.THREAD_SERIALIZED;
            case "funneled": return MPI.THREAD_FUNNELED;
            case "single": return MPI.THREAD_SINGLE;
            default:
                throw new CohortException(ErrorClass.ARG, -1, "openmpi: -Dcohort.openmpi.threadLevel=" + given
                        + ": expected single, funneled, serialized or multiple");
        }
    }

    /** The thread level MPI granted, e.g. MPI_THREAD_MULTIPLE; null before MPI is initialized. */
    static synchronized String threadLevel() {
        return threadLevelName;
    }

    static String threadLevelName(int level) {
        if (level == MPI.THREAD_MULTIPLE) return "MPI_THREAD_MULTIPLE";
        if (level == MPI.THREAD_SERIALIZED) return "MPI_THREAD_SERIALIZED";
        if (level == MPI.THREAD_FUNNELED) return "MPI_THREAD_FUNNELED";
        return "MPI_THREAD_SINGLE";
    }

    // ---------------------------------------------------------------- identity

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public String name() {
        return "openmpi";
    }

    @Override
    public int tagUpperBound() {
        return tagUpperBound;
    }

    @Override
    public String processorName() {
        return processorName;
    }

    // ---------------------------------------------------------------- communicators

    /** The MPI communicator of a context id. */
    Intracomm mpiComm(int context) {
        Intracomm[] a = comms;
        Intracomm c = context >= 0 && context < a.length ? a[context] : null;
        if (c == null) {
            throw new CohortException(ErrorClass.COMM, rank, "openmpi: no MPI communicator for context " + context
                    + " on rank " + rank + " (freed, or created without the transport being told)");
        }
        return c;
    }

    /** The MPI communicator of a Cohort communicator's collective context, where its collectives run. */
    Intracomm collectiveComm(Comm comm) {
        return mpiComm(comm.contextId() + 1);
    }

    private synchronized void put(int context, Intracomm c) {
        Intracomm[] a = comms;
        long[] h = handles;
        if (context >= a.length) {
            a = java.util.Arrays.copyOf(a, Math.max(a.length * 2, context + 1));
            h = java.util.Arrays.copyOf(h, a.length);
        } else {
            a = a.clone();
            h = h.clone();
        }
        a[context] = c;
        h[context] = c != null && Pinned.available() ? Pinned.comm(c) : 0;
        handles = h;
        comms = a;
    }

    /** The MPI_Comm handle of a context's communicator for the native helper; 0 without the helper. */
    private long handle(int context) {
        long[] h = handles;
        return context < h.length ? h[context] : 0;
    }

    /**
     * Makes the MPI communicator of a new Cohort communicator: MPI_Comm_create_group over the world
     * group restricted to its members (collective over the members only, as commCreated is called),
     * ranks in the same order, plus a duplicate for its collective context (context + 1), where Open
     * MPI's collectives and Cohort's portable collectives run.
     */
    @Override
    public void commCreated(Comm comm) {
        int ctx = comm.contextId();
        try {
            Intracomm m, coll;
            if (threadMultiple) {
                m = createGroup(comm, ctx);
                coll = m.dup();
            } else {
                synchronized (lock) {
                    m = createGroup(comm, ctx);
                    coll = m.dup();
                }
            }
            m.setErrhandler(MPI.ERRORS_RETURN);
            coll.setErrhandler(MPI.ERRORS_RETURN);
            put(ctx, m);
            put(ctx + 1, coll);
        } catch (MPIException e) {
            throw mpiError(comm, "creating the MPI communicator", e);
        }
    }

    private Intracomm createGroup(Comm comm, int ctx) throws MPIException {
        mpi.Group g = worldGroup.incl(comm.worldRanks());
        try {
            return MPI.COMM_WORLD.createGroup(g, ctx & 0x7fff);
        } finally {
            g.free();
        }
    }

    @Override
    public void commFreed(Comm comm) {
        int ctx = comm.contextId();
        Intracomm[] a = comms;
        synchronized (lock) {
            for (int c = ctx; c <= ctx + 1 && c < a.length; c++) {
                if (a[c] == null) continue;
                try {
                    a[c].free();
                } catch (MPIException ignored) {
                    // freeing is best effort: the communicator is unusable from Cohort either way
                }
            }
        }
        synchronized (this) {
            Intracomm[] b = comms.clone();
            long[] h = handles.clone();
            for (int c = ctx; c <= ctx + 1 && c < b.length; c++) {
                b[c] = null;
                h[c] = 0;
            }
            handles = h;
            comms = b;
        }
    }

    // ---------------------------------------------------------------- errors

    CohortException mpiError(Comm comm, String what, MPIException e) {
        ErrorClass c = ErrorClass.INTERN;
        int cls = e.getErrorClass();
        if (cls == MPI.ERR_TRUNCATE) c = ErrorClass.TRUNCATE;
        else if (cls == MPI.ERR_RANK) c = ErrorClass.RANK;
        else if (cls == MPI.ERR_TAG) c = ErrorClass.TAG;
        else if (cls == MPI.ERR_COUNT) c = ErrorClass.COUNT;
        else if (cls == MPI.ERR_COMM) c = ErrorClass.COMM;
        else if (cls == MPI.ERR_ROOT) c = ErrorClass.ROOT;
        else if (cls == MPI.ERR_OP) c = ErrorClass.OP;
        else if (cls == MPI.ERR_TYPE) c = ErrorClass.TYPE;
        String where = comm == null ? "rank " + rank : "rank " + comm.rank() + ": " + what + " on " + comm.name();
        return new CohortException(c, rank, where + ": Open MPI error: " + e.getMessage(), e);
    }

    // ---------------------------------------------------------------- sends

    private static int mpiTag(int tag, ElementType t) {
        return (tag << TAG_SHIFT) | t.ordinal();
    }

    /** A source (a world rank, or ANY_SOURCE) as MPI names it on the communicator's MPI communicator. */
    private static int mpiSource(Comm comm, int source) {
        return source == Comm.ANY_SOURCE ? MPI.ANY_SOURCE : comm.commRankOf(source);
    }

    private static ElementType typeOf(int mpiTag) {
        return TYPES[mpiTag & ((1 << TYPE_BITS) - 1)];
    }

    /** The direct buffer a send or receive uses without staging, or null when it must be staged. */
    private static ByteBuffer directView(Object buf, int offset, int count) {
        if (!(buf instanceof ByteBuffer)) return null;
        ByteBuffer b = (ByteBuffer) buf;
        if (!b.isDirect()) return null;
        return offset == 0 ? b : Staging.whole(b).slice(offset, count);
    }

    @Override
    public Request isend(Comm comm, Object buf, ElementType type, int offset, int count, int dest, int tag, int context,
                         boolean sync) {
        MpiOp op = new MpiOp(this, false).arm(comm, sync ? "issend" : "isend", true, sync, buf, type, offset, count, dest,
                tag, context);
        startSend(op);
        return op;
    }

    @Override
    public PersistentRequest sendInit(Comm comm, Object buf, ElementType type, int offset, int count, int dest, int tag,
                                      int context, boolean sync) {
        return new MpiOp(this, true).arm(comm, sync ? "ssendInit" : "sendInit", true, sync, buf, type, offset, count,
                dest, tag, context);
    }

    @Override
    public void send(Comm comm, Object buf, ElementType type, int offset, int count, int dest, int tag, int context,
                     boolean sync) {
        int bytes = count * type.size();
        if (sync || bytes > EAGER_BYTES || dest == rank) {
            MpiOp op = new MpiOp(this, false).arm(comm, sync ? "ssend" : type == ElementType.OBJECT ? "sendObject" : "send",
                    true, sync, buf, type, offset, count, dest, tag, context);
            startSend(op);
            op.waitFor();
            return;
        }
        checkAlive();
        Intracomm c = mpiComm(context);
        Staging s = stage(eagerStaging.get(), comm, buf, type, offset, count, bytes);
        long h = handle(context);   // through the native helper when it is loaded
        try {
            synchronized (lock) {
                if (h != 0) Pinned.send(h, s.address(), PREFIX + bytes, comm.commRankOf(dest), mpiTag(tag, type));
                else c.send(s.bytes, PREFIX + bytes, MPI.BYTE, comm.commRankOf(dest), mpiTag(tag, type));
            }
        } catch (MPIException e) {
            throw mpiError(comm, type == ElementType.OBJECT ? "sendObject" : "send", e);
        }
    }

    /** Each thread's buffer for its blocking eager sends (MPI_Send is done with it when it returns). */
    private final ThreadLocal<Staging> eagerStaging = ThreadLocal.withInitial(() -> new Staging(PREFIX + EAGER_BYTES, -1));

    /**
     * What goes on a message's own tag, in a staging buffer: the prefix (the message's length,
     * {@code total} bytes, and the sender) and {@code count} elements, all of a short message or a
     * long one's first HEAD_DATA bytes.
     */
    private Staging stage(Comm comm, Object buf, ElementType type, int offset, int count, int total) {
        return stage(pool.take(PREFIX + (long) count * type.size()), comm, buf, type, offset, count, total);
    }

    private static Staging stage(Staging s, Comm comm, Object buf, ElementType type, int offset, int count, int total) {
        return stage(s, comm, buf, type, offset, count, total, 0);
    }

    private static Staging stage(Staging s, Comm comm, Object buf, ElementType type, int offset, int count, int total,
                                 int rendezvous) {
        s.bytes.putInt(0, total);
        s.bytes.putInt(4, comm.rank());
        s.bytes.putInt(8, rendezvous);
        s.bytes.putInt(12, 0);
        s.copyIn(PREFIX / type.size(), buf, type, offset, count);
        return s;
    }

    /**
     * Posts a send: stages the data with its prefix and starts MPI_Isend / MPI_Issend; a message
     * longer than HEAD_DATA as its head and chunks ({@link #startLong}).
     */
    void startSend(MpiOp op) {
        checkAlive();
        Intracomm c = mpiComm(op.context);
        int bytes = op.count * op.type.size();
        int dest = op.comm.commRankOf(op.peer);
        int t = mpiTag(op.tag, op.type);
        try {
            if (bytes > HEAD_DATA) {
                startLong(op, c, directView(op.buf, op.offset, op.count) != null, bytes, dest, t);
                return;
            }
            Staging s = stage(op.comm, op.buf, op.type, op.offset, op.count, bytes);
            op.staging = s;
            int n = PREFIX + bytes;
            synchronized (lock) {
                op.mpiRequest = op.sync ? c.isSend(s.bytes, n, MPI.BYTE, dest, t) : c.iSend(s.bytes, n, MPI.BYTE, dest, t);
                sending.add(op);
            }
        } catch (MPIException e) {
            // a long message's head may be under way: the chunks already started finish on their own
            releaseStaging(op);
            op.mpiRequest = null;
            op.chunks = null;
            op.fail(mpiError(op.comm, op.op, e));
        }
    }

    /** Keeps one long message's chunks together: another thread's chunks to the same tag must not come between. */
    private final Object longSends = new Object();

    /**
     * Starts a message longer than HEAD_DATA: its head (the prefix and the first HEAD_DATA bytes),
     * then its chunks, each staged and started in turn, so that the receiver takes one chunk while
     * the next is staged. With MPI_THREAD_MULTIPLE the chunks start outside {@link #lock}, which a
     * receiving thread of this rank may hold while it waits for a chunk of the peer's (the peer's
     * chunks must never wait for that lock); below it, everything is staged first and the head and
     * the chunks start under one hold of the lock, so no receiver can see the head before the chunks
     * are under way (a rank whose thread waits for a chunk in MPI holds its lock, and two ranks
     * exchanging long messages would each wait for the other's lock).
     */
    private void startLong(MpiOp op, Intracomm c, boolean direct, int bytes, int dest, int t) throws MPIException {
        int size = op.type.size();
        if (rendezvousComm != 0 && !direct && Pinned.heapArray(op.buf)) {
            startRendezvous(op, c, bytes, dest, t);
            return;
        }
        int n = (bytes - HEAD_DATA + CHUNK - 1) / CHUNK;
        Staging h = stage(op.comm, op.buf, op.type, op.offset, HEAD_DATA / size, bytes);
        op.headStaging = h;
        Staging s = direct ? null : pool.take(bytes - HEAD_DATA);
        op.staging = s;
        mpi.Request[] chunks = new mpi.Request[n];
        ByteBuffer[] data = new ByteBuffer[n];
        synchronized (longSends) {
            if (threadMultiple) startHead(op, c, h, dest, t);
            for (int k = 0, pos = HEAD_DATA; k < n; k++, pos += CHUNK) {
                int len = Math.min(CHUNK, bytes - pos);
                if (direct) {
                    data[k] = Staging.whole((ByteBuffer) op.buf).slice(op.offset + pos, len);
                } else {
                    int at = pos - HEAD_DATA;
                    s.copyIn(at / size, op.buf, op.type, op.offset + pos / size, len / size);
                    data[k] = s.bytes.slice(at, len);
                }
                if (threadMultiple) chunks[k] = c.iSend(data[k], len, MPI.BYTE, dest, t | CHUNK_BIT);
            }
            synchronized (lock) {
                if (!threadMultiple) {
                    startHead(op, c, h, dest, t);
                    for (int k = 0; k < n; k++) chunks[k] = c.iSend(data[k], data[k].remaining(), MPI.BYTE, dest, t | CHUNK_BIT);
                }
                op.chunks = chunks;
                sending.add(op);
            }
        }
    }

    private void startHead(MpiOp op, Intracomm c, Staging h, int dest, int t) throws MPIException {
        synchronized (lock) {
            op.mpiRequest = op.sync ? c.isSend(h.bytes, HEAD_BYTES, MPI.BYTE, dest, t) : c.iSend(h.bytes, HEAD_BYTES, MPI.BYTE, dest, t);
        }
    }

    /**
     * Starts a long message from a heap array by rendezvous: its head (with the offer's id in the
     * prefix) as usual, and the rest offered to the receiver, who asks for it once a receive has taken
     * the head; the rest then goes from this array to the receiver's, pinned on both sides, with no copy
     * (see cohort_openmpi.c). Holds no lock; takes it.
     */
    private void startRendezvous(MpiOp op, Intracomm c, int bytes, int dest, int t) throws MPIException {
        int size = op.type.size();
        Staging h = pool.take(HEAD_BYTES);
        op.headStaging = h;
        synchronized (lock) {
            int id = nextOffer;
            nextOffer = id >= offerIdLimit ? 1 : id + 1;
            stage(h, op.comm, op.buf, op.type, op.offset, HEAD_DATA / size, bytes, id);
            if (Pinned.offer(id, op.buf, (long) op.offset * size + HEAD_DATA, bytes - HEAD_DATA, op.peer) != 0) {
                throw new OutOfMemoryError("cohort: the native helper cannot keep one more offer");
            }
            try {
                op.mpiRequest = op.sync ? c.isSend(h.bytes, HEAD_BYTES, MPI.BYTE, dest, t)
                        : c.iSend(h.bytes, HEAD_BYTES, MPI.BYTE, dest, t);
            } catch (MPIException e) {
                Pinned.withdraw(id);   // no receiver can ask for it
                throw e;
            }
            op.rendezvous = id;
            offers++;
            sending.add(op);
        }
    }

    /** Serves the rendezvous CTSs that have reached this rank, while any offer of its is open. Holds lock. */
    private void serveLocked() throws MPIException {
        if (offers > 0) Pinned.serve(rendezvousComm);
    }

    /** True once MPI completed a started send's head (or only message) and all its chunks or its rest. Holds lock. */
    private boolean sendDone(MpiOp op) throws MPIException {
        if (op.rendezvous != 0) {
            serveLocked();
            int state;
            try {
                state = Pinned.take(op.rendezvous);
            } catch (MPIException e) {
                op.rendezvous = 0;
                offers--;
                throw e;
            }
            if (state != 2) return false;
            op.rendezvous = 0;
            offers--;
        }
        if (op.mpiRequest != null) {
            if (!op.mpiRequest.test()) return false;
            op.mpiRequest = null;   // MPI freed it: never test it again
        }
        mpi.Request[] ch = op.chunks;
        if (ch != null) {
            for (int k = 0; k < ch.length; k++) {
                if (ch[k] == null) continue;
                if (!ch[k].test()) return false;
                ch[k] = null;
            }
            op.chunks = null;
        }
        return true;
    }

    private void releaseStaging(MpiOp op) {
        pool.give(op.staging);
        pool.give(op.headStaging);
        op.staging = null;
        op.headStaging = null;
    }

    /** Tests a started send; completes it (and returns its staging buffer) once MPI has. */
    void pollSend(MpiOp op) {
        if (Thread.currentThread() != progressThread) heartbeat++;
        boolean done;
        CohortException err = null;
        synchronized (lock) {
            if (op.mpiRequest == null && op.chunks == null) return;
            try {
                done = sendDone(op);
            } catch (MPIException e) {
                done = true;
                err = mpiError(op.comm, op.op, e);
            }
            if (done) {
                op.mpiRequest = null;
                op.chunks = null;
                sending.remove(op);
            } else if (!pending.isEmpty()) {
                // A large send completes only once the peer's receive takes it, and the peer may wait
                // for this rank's posted receive first (both ranks: isend, irecv, then wait for the
                // send). MPI progresses posted receives in every call; Cohort's receives are matched
                // by probing, so a thread waiting on a send must match them too. Without this only
                // the background thread did, and it keeps off while a rank thread polls: such
                // exchanges (the ring allreduce of the portable algorithms) took seconds.
                matchLocked();
            }
        }
        if (!done) return;
        releaseStaging(op);
        if (err != null) op.fail(err);
        else op.completeSend();
    }

    // ---------------------------------------------------------------- receives

    @Override
    public Request irecv(Comm comm, Object buf, ElementType type, int offset, int count, int source, int tag,
                         int context) {
        MpiOp op = new MpiOp(this, false).arm(comm, buf == null ? "irecvObject" : "irecv", false, false, buf, type,
                offset, count, source, tag, context);
        startRecv(op);
        return op;
    }

    @Override
    public PersistentRequest recvInit(Comm comm, Object buf, ElementType type, int offset, int count, int source,
                                      int tag, int context) {
        return new MpiOp(this, true).arm(comm, "recvInit", false, false, buf, type, offset, count, source, tag, context);
    }

    @Override
    public Status recv(Comm comm, Object buf, ElementType type, int offset, int count, int source, int tag,
                       int context) {
        MpiOp kept = blockingRecv.get(), op = kept;
        if (op == null || !op.isComplete() && op.comm != null) op = new MpiOp(this, false);
        op.arm(comm, "recv", false, false, buf, type, offset, count, source, tag, context);
        startRecv(op, true);
        try {
            Status st = op.await();
            if (op != kept) blockingRecv.set(op);
            return st;
        } catch (CohortException e) {
            if (!op.isComplete()) op.cancel();
            if (op.isComplete() && op != kept) blockingRecv.set(op);
            throw e;
        }
    }

    void startRecv(MpiOp op) {
        startRecv(op, false);
    }

    /**
     * Starts a receive: posted to MPI ahead of the message when {@link #postAhead} can (every
     * blocking one, nonblocking ones while fewer than MAX_POSTED_AHEAD are), else queued.
     */
    private void startRecv(MpiOp op, boolean blocking) {
        checkAlive();
        Intracomm c = mpiComm(op.context);
        synchronized (lock) {
            op.blocking = blocking;
            if ((blocking || postedAhead.size() < MAX_POSTED_AHEAD) && postAhead(op, c)) {
                // a nonblocking one is polled with the others; one MPI refused has already failed
                if (!blocking && op.mpiRequest != null) postedAhead.add(op);
                return;
            }
            pending.add(op);
            matchLocked();
        }
    }

    /** Nonblocking receives posted ahead, polled by the background thread too; guarded by lock. */
    private final ArrayList<MpiOp> postedAhead = new ArrayList<>();
    /**
     * At most this many (each holds a HEAD_BYTES block, and the pool keeps 16 of a size); more wait
     * in the queue. With all 64 of a bandwidth window posted, the blocks' allocation made it slower.
     */
    private static final int MAX_POSTED_AHEAD = 8;
    /**
     * MPI_Tests per poll of a blocking receive posted ahead, in one call of the native helper
     * ({@link Pinned#irecvTest}, {@link Pinned#test}); 1, or no helper, polls through the bindings'
     * {@code Request.test()}. 64 rather than 16: an 8-byte ping-pong's reply then mostly arrives within
     * the first call, and returning to Java to poll again cost about 2% of its time (paired runs at
     * MPI_THREAD_SINGLE, 2026-12-04: 1.12-1.14x the bindings against 1.13-1.16x; 256 was no better).
     * The lock is held for one call, a few microseconds at most.
     */
    private static final int AHEAD_TESTS = Math.max(1, Integer.getInteger("cohort.openmpi.aheadTests", 64));

    /**
     * Posts a receive to MPI ahead of its message when it can be: a given tag, at most HEAD_DATA
     * bytes, and no other receive waiting nor message left unmatched on its communicator (whose order
     * it could not keep). False when it cannot; true when it was posted or failed. Holds lock.
     */
    private boolean postAhead(MpiOp op, Intracomm c) {
        if (op.tag == Comm.ANY_TAG || op.buf != null && (long) op.count * op.type.size() > HEAD_DATA || waiting(op.context)) {
            return false;
        }
        if (op.ahead == null) op.ahead = pool.take(HEAD_BYTES);
        int src = mpiSource(op.comm, op.peer);
        int tag = mpiTag(op.tag, op.type);
        mpi.Request spare = AHEAD_TESTS > 1 && Pinned.available() ? op.spare : null;   // set for blocking ops only
        try {
            if (spare != null) {
                // MPI_Irecv and the first tests in one JNI call, into the request the last one left
                op.mpiRequest = spare;
                if (Pinned.irecvTest(handle(op.context), op.ahead.address(), HEAD_BYTES, src, tag, spare, AHEAD_TESTS)) {
                    op.mpiRequest = null;
                    aheadArrived(op);
                }
            } else {
                op.mpiRequest = c.iRecv(op.ahead.bytes, HEAD_BYTES, MPI.BYTE, src, tag);
            }
        } catch (MPIException e) {
            op.mpiRequest = null;
            op.spare = null;   // it may hold the failed receive
            op.fail(mpiError(op.comm, op.op, e));
        }
        return true;
    }

    /** A receive posted ahead is done with MPI (completed, failed, withdrawn or queued): its block goes back. Holds lock. */
    private void aheadDone(MpiOp op) {
        if (postedAhead.remove(op) && op.ahead != null) {
            pool.give(op.ahead);   // a nonblocking op is not reused: its block is
            op.ahead = null;
        }
    }

    /** True when a queued receive or an unmatched message is on this context. Holds lock. */
    private boolean waiting(int context) {
        for (int i = 0, n = pending.size(); i < n; i++) if (pending.get(i).context == context) return true;
        for (int i = 0, n = arrived.size(); i < n; i++) if (arrived.get(i).context == context) return true;
        return false;
    }

    /** Tests a receive posted ahead; now and then probes for a message of another type and withdraws to report it. */
    void pollAhead(MpiOp op) {
        if (Thread.currentThread() != progressThread) heartbeat++;
        synchronized (lock) {
            serveQuietly();
            mpi.Request q = op.mpiRequest;
            if (q == null) {   // it went the general way meanwhile
                matchLocked();
                return;
            }
            try {
                pollAheadLocked(op, q);
            } finally {
                if (op.mpiRequest == null) aheadDone(op);
            }
        }
    }

    private void pollAheadLocked(MpiOp op, mpi.Request q) {
        Intracomm[] a = comms;
        Intracomm c = op.context < a.length ? a[op.context] : null;
        try {
            // MPI_Test without a status (the bindings' status objects cost); a blocking receive's
            // own thread tests several times per call of the helper, each test through the bindings
            // costing more than the test itself
            boolean done = op.blocking && AHEAD_TESTS > 1 && Pinned.available() ? Pinned.test(q, AHEAD_TESTS) : q.test();
            if (!done) {
                int p = ++op.polls;
                if (c != null && p != 64 && (p & 1023) != 0) return;
                if (c != null && !otherTypeWaiting(op, c)) return;
                if (withdraw(op)) {
                    if (c == null) {
                        op.fail(new CohortException(ErrorClass.COMM, rank, "rank " + op.comm.rank() + ": "
                                + op.describe() + ": the communicator was freed while the receive was pending"));
                    } else {
                        fallBack(op);
                    }
                    return;
                }
            }
            op.mpiRequest = null;
            if (op.blocking) op.spare = q;   // done with (MPI_REQUEST_NULL): the thread's next receive reuses it
            aheadArrived(op);
        } catch (MPIException e) {
            op.mpiRequest = null;
            op.spare = null;   // it may hold the failed receive
            op.fail(mpiError(op.comm, op.op, e));
        }
    }

    /** Polls every nonblocking receive posted ahead (for the background thread and the engine's progress). Holds lock. */
    private void pollPostedLocked() {
        for (int i = postedAhead.size() - 1; i >= 0; i--) pollAhead(postedAhead.get(i));   // may remove only itself
    }

    /** Whether a message of another type waits where a receive posted ahead looks (it would fail that receive). */
    private boolean otherTypeWaiting(MpiOp op, Intracomm c) throws MPIException {
        int src = mpiSource(op.comm, op.peer);
        for (ElementType u : TYPES) {
            if (u != op.type && c.iProbe(src, mpiTag(op.tag, u)) != null) return true;
        }
        return false;
    }

    /** Cancels a receive posted ahead: true when MPI withdrew it, false when it got a message meanwhile. */
    private static boolean withdraw(MpiOp op) throws MPIException {
        mpi.Request q = op.mpiRequest;
        q.cancel();
        mpi.Status st = q.waitStatus();
        op.mpiRequest = null;
        return st.isCancelled();
    }

    /**
     * A receive posted ahead got a message: it completes with it when it fits; otherwise (too long,
     * or a long message's head) the message is kept in {@link #arrived} and the receive goes the
     * general way, first in line, which fails it or takes the head and its chunks. Holds lock.
     */
    private void aheadArrived(MpiOp op) throws MPIException {
        ByteBuffer block = op.ahead.bytes;
        int bytes = block.getInt(0);
        int source = block.getInt(4);
        if (bytes <= HEAD_DATA && (op.buf == null || bytes / op.type.size() <= op.count)) {
            deliver(op, null, op.ahead, source, op.tag, op.type, bytes);   // short: no chunks, no communicator needed
            return;
        }
        Staging data = op.ahead;
        op.ahead = null;
        arrived.add(new Arrived(op.context, source, op.tag, op.type, bytes, data));
        fallBack(op);
    }

    /** Queues a receive that was posted ahead, before every receive posted after it. Holds lock. */
    private void fallBack(MpiOp op) {
        pending.add(0, op);
        matchLocked();
    }

    /** Matches posted receives against arrived messages, in posting order. */
    void matchPending() {
        heartbeat++;
        synchronized (lock) {
            serveQuietly();
            matchLocked();
            if (!postedAhead.isEmpty()) pollPostedLocked();
        }
    }

    /**
     * Serves CTSs from a poll of something else: a rank pulling from this one may wait for it while
     * this rank's threads wait for that rank. An error belongs to the offer's send, whose poll
     * reports it. Holds lock.
     */
    private void serveQuietly() {
        try {
            serveLocked();
        } catch (MPIException e) {
            // the failed offer's send meets it in sendDone
        }
    }

    private void matchLocked() {
        for (int i = 0; i < pending.size(); ) {
            if (tryMatch(pending.get(i))) pending.remove(i);
            else i++;
        }
    }

    /** Probes for a message for {@code r} and receives it or fails {@code r}; true when r is done. Holds lock. */
    private boolean tryMatch(MpiOp r) {
        Intracomm[] a = comms;
        Intracomm c = r.context < a.length ? a[r.context] : null;
        if (c == null) {
            r.fail(new CohortException(ErrorClass.COMM, rank, "rank " + r.comm.rank() + ": " + r.describe()
                    + ": the communicator was freed while the receive was pending"));
            return true;
        }
        int src = mpiSource(r.comm, r.peer);
        try {
            Arrived kept = findArrived(r.context, src, r.tag);
            if (kept != null) {
                takeArrived(r, c, kept);
                return true;
            }
            mpi.Status st;
            ElementType msgType;
            if (r.tag == Comm.ANY_TAG) {
                st = c.iProbe(src, MPI.ANY_TAG);
                if (st == null) return false;
                msgType = typeOf(st.getTag());
            } else {
                st = c.iProbe(src, mpiTag(r.tag, r.type));
                msgType = r.type;
                if (st == null) {
                    int p = ++r.polls;
                    if (p != 64 && (p & 1023) != 0) return false;
                    // now and then: is a message of another type waiting where this receive looks?
                    for (ElementType u : TYPES) {
                        if (u == r.type) continue;
                        st = c.iProbe(src, mpiTag(r.tag, u));
                        if (st != null) {
                            msgType = u;
                            break;
                        }
                    }
                    if (st == null) return false;
                }
            }
            if ((st.getTag() & CHUNK_BIT) != 0) {
                r.fail(strayChunk(st));
                return true;
            }
            int got = StatusBytes.count(st);
            if (got == HEAD_BYTES) {   // maybe a long message's head: only its prefix tells
                takeArrived(r, c, pullHead(c, r.context, st));
                return true;
            }
            int bytes = got - PREFIX;
            int msgTag = st.getTag() >>> TAG_SHIFT;
            int msgSource = st.getSource();
            int n = bytes / msgType.size();
            CohortException e = mismatch(r, msgType, n, msgSource, msgTag);
            if (e != null) {
                r.fail(e);
                return true;
            }
            receive(r, c, bytes, msgType, msgSource, st.getTag());
        } catch (MPIException e) {
            r.fail(mpiError(r.comm, r.op, e));
        }
        return true;
    }

    /** Receives the short message a probe found (it is there, so MPI_Recv does not wait for a sender). Holds lock. */
    private void receive(MpiOp r, Intracomm c, int bytes, ElementType msgType, int mpiSource, int mpiTag)
            throws MPIException {
        Staging s = pool.take(PREFIX + bytes);
        try {
            c.recv(s.bytes, PREFIX + bytes, MPI.BYTE, mpiSource, mpiTag);
            deliver(r, c, s, mpiSource, mpiTag >>> TAG_SHIFT, msgType, bytes);
        } finally {
            pool.give(s);
        }
    }

    /**
     * Copies a message that fits the receive from {@code block}, where its data follows the prefix,
     * into the receive's buffer (a new byte[] for an object receive), receives a long message's
     * chunks after it ({@code c} is used only then), and completes the receive. {@code source} is the
     * sender's rank in the communicator. Holds lock.
     */
    private void deliver(MpiOp r, Intracomm c, Staging block, int source, int tag, ElementType type, int bytes)
            throws MPIException {
        Object payload = r.buf == null ? new byte[bytes] : null;
        Object dst = r.buf == null ? payload : r.buf;
        ElementType t = r.buf == null ? ElementType.BYTE : r.type;
        int offset = r.buf == null ? 0 : r.offset;
        block.copyOut(PREFIX / t.size(), dst, t, offset, Math.min(bytes, HEAD_DATA) / t.size());
        int offer = block.bytes.getInt(8);
        if (bytes > HEAD_DATA && offer != 0) pullRest(r.comm.worldRankOf(source), offer, bytes, dst, t, offset);
        else if (bytes > HEAD_DATA) receiveChunks(c, source, mpiTag(tag, type) | CHUNK_BIT, bytes, dst, t, offset);
        r.completeReceive(r.comm.worldRankOf(source), tag, bytes / type.size(), type, payload);
    }

    /**
     * A message taken out of MPI that no receive has taken yet: a long message's head (its chunks
     * are still in MPI), or a short message that a receive posted ahead got but could not take.
     */
    private static final class Arrived {
        final int context;
        /** The sender's rank in the communicator, as MPI reports it. */
        final int source;
        final int tag;
        final ElementType type;
        /** The whole message's length. */
        final int bytes;
        /** As it came on the message's own tag: the prefix, then the first min(bytes, HEAD_DATA) bytes. */
        final Staging data;

        Arrived(int context, int source, int tag, ElementType type, int bytes, Staging data) {
            this.context = context;
            this.source = source;
            this.tag = tag;
            this.type = type;
            this.bytes = bytes;
            this.data = data;
        }
    }

    /** The first kept message on a context that a receive from {@code src} (or MPI.ANY_SOURCE) with {@code tag} selects. Holds lock. */
    private Arrived findArrived(int context, int src, int tag) {
        for (int i = 0, n = arrived.size(); i < n; i++) {
            Arrived a = arrived.get(i);
            if (a.context == context && (src == MPI.ANY_SOURCE || a.source == src) && (tag == Comm.ANY_TAG || a.tag == tag)) {
                return a;
            }
        }
        return null;
    }

    /**
     * Receives a message of HEAD_BYTES a probe found into {@link #arrived}: a long message's head or a
     * short message of exactly HEAD_DATA bytes; only its prefix tells which. Holds lock.
     */
    private Arrived pullHead(Intracomm c, int context, mpi.Status st) throws MPIException {
        int mtag = st.getTag();
        Staging h = pool.take(HEAD_BYTES);
        try {
            c.recv(h.bytes, HEAD_BYTES, MPI.BYTE, st.getSource(), mtag);
        } catch (MPIException e) {
            pool.give(h);
            throw e;
        }
        Arrived a = new Arrived(context, h.bytes.getInt(4), mtag >>> TAG_SHIFT, typeOf(mtag), h.bytes.getInt(0), h);
        arrived.add(a);
        return a;
    }

    /**
     * Gives a kept message to a receive: fails the receive (and keeps the message) when it does not
     * fit; else copies what the message holds and, for a head, receives its chunks. Holds lock.
     */
    private void takeArrived(MpiOp r, Intracomm c, Arrived a) throws MPIException {
        int n = a.bytes / a.type.size();
        CohortException e = mismatch(r, a.type, n, a.source, a.tag);
        if (e != null) {
            r.fail(e);
            return;
        }
        arrived.remove(a);
        try {
            deliver(r, c, a.data, a.source, a.tag, a.type, a.bytes);
        } finally {
            pool.give(a.data);
        }
    }

    /**
     * Receives a long message's chunks (they follow its head on the chunk tag, in order, and the
     * sender starts them without waiting for anything of this rank's) into {@code dst} from byte
     * HEAD_DATA on: straight into a heap array through the native helper when it is loaded, else
     * through a staging buffer. Holds lock.
     */
    private void receiveChunks(Intracomm c, int source, int chunkTag, int bytes, Object dst, ElementType t, int offset)
            throws MPIException {
        int size = t.size();
        if (Pinned.heapArray(dst)) {   // a heap array: straight into it, pinned, no staging copy
            Pinned.recvChunks(Pinned.comm(c), source, chunkTag, dst, (long) offset * size, HEAD_DATA, bytes, CHUNK);
            return;
        }
        ByteBuffer direct = dst instanceof ByteBuffer && ((ByteBuffer) dst).isDirect() ? Staging.whole((ByteBuffer) dst) : null;
        Staging s = direct == null ? pool.take(Math.min(CHUNK, bytes - HEAD_DATA)) : null;
        try {
            for (int pos = HEAD_DATA; pos < bytes; pos += CHUNK) {
                int len = Math.min(CHUNK, bytes - pos);
                if (direct != null) {
                    c.recv(direct.slice(offset + pos, len), len, MPI.BYTE, source, chunkTag);
                } else {
                    c.recv(s.bytes, len, MPI.BYTE, source, chunkTag);
                    s.copyOut(0, dst, t, offset + pos / size, len / size);
                }
            }
        } finally {
            pool.give(s);
        }
    }

    /**
     * Receives the rest of a long message sent by rendezvous (offer {@code offer} of world rank
     * {@code source}) into {@code dst} from byte HEAD_DATA on: straight into a heap array or a direct
     * buffer, else (boolean[], heap ByteBuffer) through a staging buffer. Holds lock.
     */
    private void pullRest(int source, int offer, int bytes, Object dst, ElementType t, int offset) throws MPIException {
        int size = t.size();
        int rest = bytes - HEAD_DATA;
        if (Pinned.heapArray(dst)) {
            Pinned.pull(rendezvousComm, source, offer, dst, false, (long) offset * size + HEAD_DATA, rest);
        } else if (dst instanceof ByteBuffer && ((ByteBuffer) dst).isDirect()) {
            Pinned.pull(rendezvousComm, source, offer, dst, true, (long) offset + HEAD_DATA, rest);
        } else {
            Staging s = pool.take(rest);
            try {
                Pinned.pull(rendezvousComm, source, offer, s.bytes, true, 0, rest);
                s.copyOut(0, dst, t, offset + HEAD_DATA / size, rest / size);
            } finally {
                pool.give(s);
            }
        }
    }

    private CohortException strayChunk(mpi.Status st) throws MPIException {
        return new CohortException(ErrorClass.INTERN, rank, "rank " + rank + ": openmpi: a chunk of a long message from rank "
                + st.getSource() + " with tag " + (st.getTag() >>> TAG_SHIFT) + " arrived without its head");
    }

    /** Why a message cannot go into a receive, or null when it fits (the same rules as the local transport). */
    private CohortException mismatch(MpiOp recv, ElementType msgType, int msgCount, int msgSource, int msgTag) {
        // msgSource is the rank in the communicator, as MPI reports it
        return recv.mismatch(msgType, msgCount, recv.comm.worldRankOf(msgSource), msgTag, rank);
    }

    boolean cancel(MpiOp op) {
        if (op.isSend) return false;   // Open MPI cannot reliably cancel a send
        synchronized (lock) {
            boolean withdrawn = false;
            if (op.mpiRequest != null) {   // posted ahead
                try {
                    withdrawn = withdraw(op);
                    if (!withdrawn) aheadArrived(op);   // it got a message meanwhile (it may be queued now)
                } catch (MPIException e) {
                    op.mpiRequest = null;
                    op.fail(mpiError(op.comm, op.op, e));
                }
                aheadDone(op);
            }
            if (!withdrawn && (op.isComplete() || !pending.remove(op))) return false;
        }
        op.completeCancelled();
        return true;
    }

    // ---------------------------------------------------------------- probe

    @Override
    public Status iprobe(Comm comm, int source, int tag, int context) {
        checkAlive();
        Intracomm c = mpiComm(context);
        int src = mpiSource(comm, source);
        try {
            mpi.Status st = null;
            ElementType type = null;
            synchronized (lock) {
                Arrived kept = findArrived(context, src, tag);
                if (kept != null) return status(kept);
                if (tag == Comm.ANY_TAG) {
                    st = c.iProbe(src, MPI.ANY_TAG);
                    if (st != null) type = typeOf(st.getTag());
                } else {
                    for (ElementType u : TYPES) {
                        st = c.iProbe(src, mpiTag(tag, u));
                        if (st != null) {
                            type = u;
                            break;
                        }
                    }
                }
                if (st == null) return null;
                if ((st.getTag() & CHUNK_BIT) != 0) throw strayChunk(st);
                int got = StatusBytes.count(st);
                if (got == HEAD_BYTES) return status(pullHead(c, context, st));
                return new Status(st.getSource(), st.getTag() >>> TAG_SHIFT, (got - PREFIX) / type.size(), type, false);
            }
        } catch (MPIException e) {
            throw mpiError(comm, "iprobe", e);
        }
    }

    private static Status status(Arrived a) {
        return new Status(a.source, a.tag, a.bytes / a.type.size(), a.type, false);
    }

    @Override
    public Status probe(Comm comm, int source, int tag, int context) {
        ProbeRequest p = new ProbeRequest(this, comm, source, tag, context);
        p.await();
        return p.found;
    }

    /** A blocking probe as a request, so that it waits with Cohort's idle strategy. */
    private static final class ProbeRequest extends Request {
        private final OpenMpiTransport t;
        private final Comm comm;
        private final int source, tag, context;
        Status found;

        ProbeRequest(OpenMpiTransport t, Comm comm, int source, int tag, int context) {
            super(ACTIVE);
            this.t = t;
            this.comm = comm;
            this.source = source;
            this.tag = tag;
            this.context = context;
        }

        @Override
        protected boolean poll() {
            if (isComplete()) return true;
            Status s = t.iprobe(comm, source, tag, context);
            if (s == null) {
                t.progressOthers();
                return false;
            }
            found = s;
            complete();
            return true;
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
            return "probe(source=" + (source == Comm.ANY_SOURCE ? "ANY_SOURCE" : String.valueOf(comm.commRankOf(source)))
                    + ", tag=" + (tag == Comm.ANY_TAG ? "ANY_TAG" : String.valueOf(tag)) + ", comm=" + comm.name() + ")";
        }

        @Override
        protected boolean doCancel() {
            return false;
        }
    }

    // ---------------------------------------------------------------- progress engine

    @Override
    public ProgressEngine engine() {
        return this;
    }

    @Override
    public <T> T capability(Class<T> type) {
        if (type == CollectiveEngineProvider.class) return type.cast(collectives);
        return null;
    }

    private static final Request[] NONE = new Request[0];
    private volatile Request[] polled = NONE;

    @Override
    public void progress() {
        matchPending();
        progressOthers();
    }

    /** Advances the requests registered with addProgress (nonblocking collectives). */
    void progressOthers() {
        Request[] p = polled;
        for (Request r : p) r.advance();
    }

    @Override
    public synchronized void addProgress(Request r) {
        Request[] p = polled;
        Request[] q = java.util.Arrays.copyOf(p, p.length + 1);
        q[p.length] = r;
        polled = q;
    }

    @Override
    public synchronized void removeProgress(Request r) {
        Request[] p = polled;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == r) {
                Request[] q = new Request[p.length - 1];
                System.arraycopy(p, 0, q, 0, i);
                System.arraycopy(p, i + 1, q, i, p.length - i - 1);
                polled = q;
                return;
            }
        }
    }

    @Override
    public void checkAlive() {
        if (closed) {
            throw new CohortException(ErrorClass.SESSION, rank, "rank " + rank + ": the openmpi session was closed");
        }
    }

    @Override
    public void parking(Request[] requests, int count, boolean all) {
    }

    @Override
    public void unparked() {
    }

    @Override
    public long parkNanos() {
        return 50_000L;   // nothing unparks a waiter here: poll again soon
    }

    /** Ends the whole job: MPI_Abort on the world. Prints nothing (the caller reported the cause). */
    @Override
    public void abort(Throwable cause) {
        try {
            MPI.COMM_WORLD.abort(1);
        } catch (MPIException | RuntimeException e) {
            Runtime.getRuntime().halt(1);
        }
    }

    /**
     * Ends this rank's use of the transport. MPI_Finalize waits for every rank, so it is left to a
     * shutdown hook: a main that throws out of try-with-resources closes its session first, and
     * finalizing right there would wait forever for ranks that wait for it. The exception then
     * reaches the uncaught-exception handler, which ends the job with MPI_Abort.
     */
    @Override
    public void close() {
        closed = true;
    }

    private static void finalizeMpi() {
        synchronized (OpenMpiTransport.class) {
            if (finalized) return;
            finalized = true;
            try {
                MPI.Finalize();
            } catch (MPIException e) {
                System.err.println("cohort: MPI_Finalize failed: " + e.getMessage());
            }
        }
    }

    /**
     * At JVM exit: MPI_Finalize (unless the job is being aborted). When the thread that opened the
     * session dies of an uncaught exception (a plain main that throws, without cohort's RankMain):
     * print it as Java would, then MPI_Abort, so the other ranks do not wait for this one forever.
     */
    private void installExitHandling(Thread opener) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (lock) {
                closed = true;
                finalizeMpi();
            }
        }, "cohort-openmpi-finalize"));
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (previous != null) {
                previous.uncaughtException(thread, e);
            } else {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                e.printStackTrace();
            }
            if (thread == opener) {
                System.out.flush();
                System.err.flush();
                abort(e);
            }
        });
    }
}
