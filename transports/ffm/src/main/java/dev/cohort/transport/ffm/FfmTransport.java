package dev.cohort.transport.ffm;

import dev.cohort.CohortException;
import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.ErrorClass;
import dev.cohort.PersistentRequest;
import dev.cohort.Request;
import dev.cohort.Status;
import dev.cohort.spi.CollectiveEngineProvider;
import dev.cohort.spi.ProgressEngine;
import dev.cohort.spi.Spinning;
import dev.cohort.spi.Transport;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * One process's rank over a C MPI library through java.lang.foreign.
 *
 * <p><b>Matching.</b> Cohort's receive rules (a receive of the wrong element type fails with TYPE, one
 * that is too small with TRUNCATE, and neither consumes the message) are stricter than MPI's, so
 * matching happens here: the element type travels in the low 4 bits of the MPI tag and bit 4 says
 * whether the message is longer than {@link #SHORT_BYTES}; messages are taken out of MPI's queue with
 * MPI_Improbe (a matched probe: envelope and size, no data) in arrival order, and a message moves into
 * its buffer with MPI_Mrecv only once a receive that fits has been found. Probed messages that no
 * receive wants yet wait in a per-communicator queue. The exception is the common case of a blocking
 * receive of a short message with a given tag while nothing else waits on its communicator: that one
 * is posted to MPI ahead of the message ({@link #recvAhead}), under the same rules.
 *
 * <p><b>Buffers.</b> Blocking sends and every MPI_Mrecv pass Java arrays to MPI directly (critical
 * downcalls with heap access: no copy). A nonblocking send copies its data into a pooled native block
 * first, so the array may move (GC) or change after the call; the block goes back to the pool when
 * MPI_Test reports completion. Receives are completed by whichever thread polls, with MPI_Mrecv into
 * the array itself.
 *
 * <p><b>Threads.</b> Every MPI call and the matching state are guarded by one lock, so MPI is asked for
 * MPI_THREAD_SERIALIZED (MPICH) or MPI_THREAD_SINGLE (Open MPI, see {@link Abi.OpenMpi#threadLevel()}).
 * No call that can wait for another rank indefinitely is made under it, except the blocking standard
 * send to another rank, and only while no receive of this rank waits (posted, or a blocking receive
 * polling); otherwise it becomes a nonblocking send plus polling, so sendrecv, and a thread sending
 * while another receives, cannot deadlock. (A thread that starts a receive while another thread of
 * the rank is already inside such a send waits until MPI has taken the send's data.) The other
 * exception is the blocking collectives, which pass heap arrays to MPI's blocking collectives and
 * so must stay in one call: while one runs, this rank matches nothing, and a receive it posted
 * before can leave a peer's send waiting ({@link #enterBlocking} warns when that looks like the case).
 */
final class FfmTransport implements Transport, ProgressEngine {
    private static final ElementType[] TYPES = ElementType.values();
    private static final int TYPE_BITS = 4;
    /**
     * Bit 4 of the MPI tag marks a message longer than {@link #SHORT_BYTES}, so that a receive posted
     * ahead for a short message (see {@link #recvAhead}) can never be matched by one that would not
     * fit its native block; the Cohort tag sits above it.
     */
    private static final int LONG_BIT = 1 << TYPE_BITS, TAG_SHIFT = TYPE_BITS + 1;
    /** The largest message a blocking receive posts to MPI ahead of its arrival, in bytes. */
    static final int SHORT_BYTES = 4096;
    /** The thread levels by name, in mpi.h order (the same values in Open MPI and MPICH). */
    private static final java.util.List<String> THREAD_LEVELS = java.util.List.of("single", "funneled", "serialized", "multiple");
    /** Native block header of a staged send: the MPI_Request handle and an MPI_Status. */
    private static final long HEADER = 64;

    private final Object lock = new Object();
    private final int rank;
    private final int size;
    private final int tagUb;
    private final String processorName;
    /**
     * The scratch segments passed to MPI on every poll (flag, handle, statuses). An automatic arena:
     * a downcall acquires and releases the session of each segment it is passed, which for a shared
     * arena is a volatile read and a compare-and-set each way, two atomic operations per MPI_Test of a
     * polling loop; an automatic arena's session needs neither.
     */
    private final Arena arena = Arena.ofAuto();
    // scratch for calls under the lock
    private final MemorySegment flag, handle, status, status2;
    private final StagingPool pool = new StagingPool();

    private Ctx[] ctxs = new Ctx[16];
    private final ArrayList<FfmOp> pendingSends = new ArrayList<>();
    private int postedReceives;
    /** Threads waiting in a blocking receive's own loop ({@link #recvDirect}, {@link #recvAhead}); under the lock. */
    private int waitingReceivers;
    private volatile boolean closed;
    /** Bumped by every progress call; the background poller acts only when nobody else polled. */
    private volatile int polls;
    private final Thread poller;

    /** One Cohort context: its MPI communicator, and messages probed but not yet received. */
    static final class Ctx {
        final int id;
        final long comm;
        /** World rank of each rank of the MPI communicator; null for the world (identity). */
        final int[] worldRanks;
        final int[] commRanks;
        final ArrayDeque<Msg> unexpected = new ArrayDeque<>();
        final ArrayList<FfmOp> posted = new ArrayList<>();
        /** The thread whose blocking receive has an MPI_Irecv posted ahead on this context, or null. */
        Thread aheadOwner;
        /** That receive's native block (MPI_Request, then MPI_Status, in the header; then the data) and its parts. */
        MemorySegment aheadBlock, aheadStatus, aheadData;
        /** The Status a receive posted ahead returned last: the next one that would be equal returns it again. */
        private Status lastAhead;

        /**
         * A status for a receive posted ahead here. Status is immutable, and a loop's receives mostly
         * find the same source, tag and count, so the last one is handed out again rather than a new
         * one allocated on the path from a message's arrival to the program's next send.
         */
        Status aheadStatus(int source, int tag, int count, ElementType type) {
            Status s = lastAhead;
            if (s != null && s.is(source, tag, count, type, false)) return s;
            return lastAhead = new Status(source, tag, count, type, false);
        }

        Ctx(int id, long comm, int[] worldRanks, int worldSize) {
            this.id = id;
            this.comm = comm;
            this.worldRanks = worldRanks;
            if (worldRanks == null) {
                commRanks = null;
            } else {
                commRanks = new int[worldSize];
                Arrays.fill(commRanks, -1);
                for (int i = 0; i < worldRanks.length; i++) commRanks[worldRanks[i]] = i;
            }
        }

        int toWorld(int commRank) {
            return worldRanks == null ? commRank : worldRanks[commRank];
        }

        int toComm(int worldRank) {
            return commRanks == null ? worldRank : commRanks[worldRank];
        }
    }

    /**
     * A message taken out of MPI but not yet into a receive: its envelope and either the MPI_Message
     * handle of a matched probe or, for one a receive posted ahead took but could not keep, its data.
     */
    static final class Msg {
        int source; // world rank
        int tag;
        ElementType type;
        long bytes;
        long message;
        /** The received data (a pooled block), or null when it is still in MPI under {@link #message}. */
        MemorySegment data;

        /** The envelope an MPI_Status of the context reports (source as a world rank). */
        static Msg of(Ctx c, MemorySegment status) {
            Msg m = new Msg();
            m.source = c.toWorld(status.get(ValueLayout.JAVA_INT, Mpi.STATUS_SOURCE));
            int mpiTag = status.get(ValueLayout.JAVA_INT, Mpi.STATUS_TAG);
            m.tag = tagOf(mpiTag);
            m.type = typeOf(mpiTag);
            m.bytes = Mpi.ABI.statusBytes(status);
            return m;
        }
    }

    /** The MPI tag of a Cohort message: tag, whether it is long, element type. */
    static int envelope(int tag, ElementType type, long bytes) {
        return tag << TAG_SHIFT | (bytes > SHORT_BYTES ? LONG_BIT : 0) | type.ordinal();
    }

    private static int tagOf(int mpiTag) {
        return mpiTag >>> TAG_SHIFT;
    }

    private static ElementType typeOf(int mpiTag) {
        return TYPES[mpiTag & ((1 << TYPE_BITS) - 1)];
    }

    FfmTransport() {
        flag = arena.allocate(16);
        handle = arena.allocate(16);
        status = arena.allocate(64);
        status2 = arena.allocate(64);
        try (Arena once = Arena.ofConfined()) {
            MemorySegment provided = once.allocate(ValueLayout.JAVA_INT);
            int already = call1(Mpi.INITIALIZED, flag) == 0 ? flag.get(ValueLayout.JAVA_INT, 0) : 0;
            if (already == 0) {
                check((int) Mpi.INIT_THREAD.invokeExact(MemorySegment.NULL, MemorySegment.NULL, requestedThreadLevel(), provided),
                        "MPI_Init_thread");
            }
            check((int) Mpi.COMM_SET_ERRHANDLER.invokeExact(Mpi.COMM_WORLD, Mpi.ABI.errorsReturn()), "MPI_Comm_set_errhandler");
            check((int) Mpi.COMM_RANK.invokeExact(Mpi.COMM_WORLD, flag), "MPI_Comm_rank");
            rank = flag.get(ValueLayout.JAVA_INT, 0);
            check((int) Mpi.COMM_SIZE.invokeExact(Mpi.COMM_WORLD, flag), "MPI_Comm_size");
            size = flag.get(ValueLayout.JAVA_INT, 0);
            check((int) Mpi.COMM_GET_ATTR.invokeExact(Mpi.COMM_WORLD, Mpi.ABI.tagUbKeyval(), handle, flag), "MPI_Comm_get_attr(MPI_TAG_UB)");
            int ub = 32767;
            if (flag.get(ValueLayout.JAVA_INT, 0) != 0) {
                MemorySegment p = handle.get(ValueLayout.ADDRESS, 0).reinterpret(4);
                ub = p.get(ValueLayout.JAVA_INT, 0);
            }
            tagUb = ub >>> TAG_SHIFT;
            MemorySegment name = once.allocate(1024);
            check((int) Mpi.PROCESSOR_NAME.invokeExact(name, flag), "MPI_Get_processor_name");
            processorName = name.getString(0);
            ctxs[0] = new Ctx(0, dup(Mpi.COMM_WORLD), null, size);
            ctxs[1] = new Ctx(1, dup(Mpi.COMM_WORLD), null, size);
            pollCollectives = agreeOnPolling();
            poller = new Thread(this::pollInBackground, "cohort-ffm-progress-" + rank);
            poller.setDaemon(true);
            poller.start();
            watchForFailure(Thread.currentThread());
            // MPI started by someone else in this process (a library, Open MPI's Java bindings) is
            // theirs to finalize: MPI_Finalize twice is an error
            if (already == 0) Runtime.getRuntime().addShutdownHook(new Thread(this::finalizeMpi, "cohort-ffm-finalize"));
        } catch (CohortException e) {
            throw e;
        } catch (Throwable t) {
            throw new CohortException(ErrorClass.SESSION, -1, "ffm: starting MPI failed: " + t, t);
        }
    }

    private static int call1(java.lang.invoke.MethodHandle h, MemorySegment a) throws Throwable {
        return (int) h.invokeExact(a);
    }

    private long dup(long comm) throws Throwable {
        check((int) Mpi.COMM_DUP.invokeExact(comm, handle), "MPI_Comm_dup");
        long c = Mpi.ABI.readHandle(handle);
        check((int) Mpi.COMM_SET_ERRHANDLER.invokeExact(c, Mpi.ABI.errorsReturn()), "MPI_Comm_set_errhandler");
        return c;
    }

    // ---------------------------------------------------------------- errors

    /** Throws a CohortException with MPI's own error string when {@code rc} is not MPI_SUCCESS. */
    void check(int rc, String what) {
        if (rc != 0) throw mpiError(rc, what);
    }

    CohortException mpiError(int rc, String what) {
        return new CohortException(ErrorClass.INTERN, rank, "rank " + rank + ": " + what + " failed: " + errorString(rc)
                + " (MPI error " + rc + ")");
    }

    static String errorString(int rc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(1024);
            MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
            int r = (int) Mpi.ERROR_STRING.invokeExact(rc, buf, len);
            return r == 0 ? buf.getString(0) : "unknown error";
        } catch (Throwable t) {
            return "unknown error";
        }
    }

    private static CohortException internal(Throwable t) {
        if (t instanceof CohortException) return (CohortException) t;
        if (t instanceof RuntimeException) throw (RuntimeException) t;
        if (t instanceof Error) throw (Error) t;
        return new CohortException(ErrorClass.INTERN, -1, "ffm: " + t, t);
    }

    // ---------------------------------------------------------------- basics

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
        return "ffm";
    }

    @Override
    public int tagUpperBound() {
        return tagUb;
    }

    @Override
    public String processorName() {
        return processorName;
    }

    Ctx ctx(int context) {
        Ctx[] c = ctxs;
        Ctx x = context < c.length ? c[context] : null;
        if (x == null) throw new CohortException(ErrorClass.COMM, rank, "rank " + rank + ": ffm: no MPI communicator for context " + context);
        return x;
    }

    /** The MPI communicator of a Cohort communicator's collective context (for native collectives). */
    long collComm(Comm comm) {
        return ctx(comm.contextId() + 1).comm;
    }

    /** The level for MPI_Init_thread: {@code -Dcohort.ffm.threadLevel} (single ... multiple), else the library's choice. */
    static int requestedThreadLevel() {
        String s = System.getProperty("cohort.ffm.threadLevel");
        if (s == null || s.isBlank()) return Mpi.ABI.threadLevel();
        int level = THREAD_LEVELS.indexOf(s.trim().toLowerCase(java.util.Locale.ROOT));
        if (level < 0) {
            throw new CohortException(ErrorClass.ARG, -1, "cohort.ffm.threadLevel=" + s + ": expected one of " + THREAD_LEVELS);
        }
        return level;
    }

    Object lock() {
        return lock;
    }

    // ---------------------------------------------------------------- blocking collectives

    /**
     * True when blocking collectives run as MPI's nonblocking ones, polled from Java with the
     * waiters' yielding idle strategy, instead of MPI's blocking ones: when some node of the job runs
     * more ranks than cores and the library busy-polls regardless ({@link Abi#spinsWhenOversubscribed}).
     * Every rank must choose alike (MPI matches no blocking collective with a nonblocking one), so
     * the ranks agree at start-up: one MPI_Allreduce (MAX) of each rank's own view.
     * {@code -Dcohort.ffm.pollCollectives=true|false} replaces a rank's view.
     */
    private final boolean pollCollectives;

    private boolean agreeOnPolling() throws Throwable {
        String forced = System.getProperty("cohort.ffm.pollCollectives");
        boolean mine;
        if (forced != null) {
            mine = Boolean.parseBoolean(forced);
        } else {
            int local = localRanks();
            mine = Mpi.ABI.spinsWhenOversubscribed() && local > Runtime.getRuntime().availableProcessors();
        }
        int[] in = {mine ? 1 : 0}, out = new int[1];
        check((int) Mpi.ALLREDUCE.invokeExact(MemorySegment.ofArray(in), MemorySegment.ofArray(out), 1,
                Mpi.ABI.datatype("INT32_T"), Mpi.ABI.op("MAX"), Mpi.COMM_WORLD), "MPI_Allreduce (agreeing on the collectives' mode)");
        return out[0] != 0;
    }

    /** The job's ranks on this node, from the launcher's environment; 0 when it does not say. */
    private static int localRanks() {
        for (String name : new String[]{"MPI_LOCALNRANKS", "OMPI_COMM_WORLD_LOCAL_SIZE", "SLURM_NTASKS_PER_NODE"}) {
            String v = System.getenv(name);
            if (v == null) continue;
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                // e.g. Slurm's "2(x3)": not one number; try the next
            }
        }
        return 0;
    }

    /** See {@link #pollCollectives}. */
    boolean pollsCollectives() {
        return pollCollectives;
    }

    /** Waiters yield at once, rather than spin first, where the ranks agreed that a node is oversubscribed. */
    @Override
    public boolean oversubscribed() {
        return pollCollectives;
    }

    /** A blocking MPI collective entered while receives of this rank waited to be matched here. */
    private static final class Blocked {
        final String what;
        final int receives;
        final long since = System.nanoTime();

        Blocked(String what, int receives) {
            this.what = what;
            this.receives = receives;
        }
    }

    private volatile Blocked blocked;
    private Thread blockedWatch;

    /**
     * Called under the lock just before a blocking MPI collective. Matching happens here, in Java,
     * and cannot happen while the collective holds the lock in MPI: a receive this rank has posted
     * stays invisible to MPI until the collective returns. If another rank is blocked sending to it
     * (a synchronous send, or a send too long for MPI's eager protocol) before joining the collective,
     * the job deadlocks. That cannot be told from here, so after {@code cohort.ffm.blockedWarnSeconds}
     * (default 30) in such a collective the rank says so on stderr, once per call, instead of hanging
     * silently. (A blocking collective cannot fall back to the nonblocking one on this rank alone: MPI
     * does not match a blocking collective with a nonblocking one.)
     */
    void enterBlocking(String what, Comm comm) {
        int receives = postedReceives + waitingReceivers;
        if (receives == 0) return;
        blocked = new Blocked(what + " on " + comm.name(), receives);
        if (blockedWatch == null) {
            blockedWatch = new Thread(this::watchBlocked, "cohort-ffm-blocked-" + rank);
            blockedWatch.setDaemon(true);
            blockedWatch.start();
        } else {
            LockSupport.unpark(blockedWatch);
        }
    }

    /** Called under the lock when the blocking collective returned. */
    void leaveBlocking() {
        if (blocked != null) blocked = null;
    }

    private void watchBlocked() {
        Blocked warned = null;
        while (!closed) {
            Blocked b = blocked;
            if (b == null || b == warned) {
                LockSupport.park(this);
                continue;
            }
            long left = b.since + 1_000_000_000L * Long.getLong("cohort.ffm.blockedWarnSeconds", 30L) - System.nanoTime();
            if (left > 0) {
                LockSupport.parkNanos(this, left);
                continue;
            }
            if (blocked != b) continue;
            warned = b;
            System.err.println("cohort: rank " + rank + ": " + b.what + " has waited in MPI for "
                    + (System.nanoTime() - b.since) / 1_000_000_000L + " s while " + b.receives + " receive"
                    + (b.receives == 1 ? "" : "s") + " of this rank waited to be matched. The ffm transport matches"
                    + " receives itself and cannot while a blocking collective is in MPI: if another rank is blocked"
                    + " sending to this one (ssend, or a message longer than MPI's eager limit) before it joins "
                    + b.what + ", the job is deadlocked. Wait for the receives before the collective, or use the"
                    + " nonblocking collective and wait for it together with them.");
            System.err.flush();
        }
    }

    /** Native blocks for staged data; use under {@link #lock()}. */
    StagingPool pool() {
        return pool;
    }

    // ---------------------------------------------------------------- communicators

    @Override
    public void commCreated(Comm comm) {
        synchronized (lock) {
            try (Arena a = Arena.ofConfined()) {
                int[] members = comm.worldRanks();
                MemorySegment group = a.allocate(16), newGroup = a.allocate(16);
                check((int) Mpi.COMM_GROUP.invokeExact(ctxs[0].comm, group), "MPI_Comm_group");
                MemorySegment ranks = a.allocate((long) members.length * 4 + 4);
                MemorySegment.copy(members, 0, ranks, ValueLayout.JAVA_INT, 0, members.length);
                check((int) Mpi.GROUP_INCL.invokeExact(Mpi.ABI.readHandle(group), members.length, ranks, newGroup), "MPI_Group_incl");
                int tag = comm.contextId() & 0x7fff;
                check((int) Mpi.COMM_CREATE_GROUP.invokeExact(ctxs[0].comm, Mpi.ABI.readHandle(newGroup), tag, handle),
                        "MPI_Comm_create_group");
                long c = Mpi.ABI.readHandle(handle);
                check((int) Mpi.COMM_SET_ERRHANDLER.invokeExact(c, Mpi.ABI.errorsReturn()), "MPI_Comm_set_errhandler");
                check((int) Mpi.GROUP_FREE.invokeExact(group), "MPI_Group_free");
                check((int) Mpi.GROUP_FREE.invokeExact(newGroup), "MPI_Group_free");
                long cc = dup(c);
                int id = comm.contextId();
                if (id + 1 >= ctxs.length) ctxs = Arrays.copyOf(ctxs, Math.max(ctxs.length * 2, id + 2));
                ctxs[id] = new Ctx(id, c, members, size);
                ctxs[id + 1] = new Ctx(id + 1, cc, members, size);
            } catch (Throwable t) {
                throw internal(t);
            }
        }
    }

    @Override
    public void commFreed(Comm comm) {
        synchronized (lock) {
            int id = comm.contextId();
            for (int k = id; k <= id + 1 && k < ctxs.length; k++) {
                Ctx c = ctxs[k];
                if (c == null) continue;
                ctxs[k] = null;
                try {
                    Mpi.ABI.writeHandle(handle, c.comm);
                    int rc = (int) Mpi.COMM_FREE.invokeExact(handle);
                    check(rc, "MPI_Comm_free");
                } catch (Throwable t) {
                    throw internal(t);
                }
            }
        }
    }

    // ---------------------------------------------------------------- buffers

    /** A memory segment over {@code count} elements of {@code buf} from {@code offset} (boolean[] gives a byte copy). */
    static MemorySegment segment(Object buf, ElementType t, int offset, int count) {
        long off = (long) offset * t.size(), len = (long) count * t.size();
        MemorySegment s;
        if (buf instanceof double[] a) s = MemorySegment.ofArray(a);
        else if (buf instanceof byte[] a) s = MemorySegment.ofArray(a);
        else if (buf instanceof int[] a) s = MemorySegment.ofArray(a);
        else if (buf instanceof long[] a) s = MemorySegment.ofArray(a);
        else if (buf instanceof float[] a) s = MemorySegment.ofArray(a);
        else if (buf instanceof short[] a) s = MemorySegment.ofArray(a);
        else if (buf instanceof char[] a) s = MemorySegment.ofArray(a);
        else if (buf instanceof ByteBuffer b) s = MemorySegment.ofBuffer(b.duplicate().clear());
        else if (buf instanceof boolean[] a) {
            byte[] copy = new byte[count];
            for (int i = 0; i < count; i++) copy[i] = a[offset + i] ? (byte) 1 : 0;
            return MemorySegment.ofArray(copy);
        } else throw new IllegalArgumentException("not a buffer: " + buf);
        return off == 0 && len == s.byteSize() ? s : s.asSlice(off, len);
    }

    /**
     * Copies {@code count} elements from native memory into a buffer (a primitive array straight,
     * without a segment over it). Each array type has its own call with a constant layout, which the
     * JIT compiles to a plain copy; one call with the layout and the array's class unknown took 6-9 ns
     * for 8 bytes instead of 4. A few bytes or doubles go by plain loads and stores, without the bulk
     * copy's checks: 3-4 ns instead of 5-7 for 8 bytes or one double.
     */
    static void copyOut(MemorySegment from, Object buf, ElementType t, int offset, int count) {
        if (count <= SMALL_COPY_BYTES && buf instanceof byte[] a) {
            int i = 0;
            for (; i + 8 <= count; i += 8) LONGS_IN_BYTES.set(a, offset + i, from.get(ValueLayout.JAVA_LONG_UNALIGNED, i));
            for (; i < count; i++) a[offset + i] = from.get(ValueLayout.JAVA_BYTE, i);
        } else if (count <= SMALL_COPY_BYTES / 8 && buf instanceof double[] a) {
            for (int i = 0; i < count; i++) a[offset + i] = from.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i);
        } else if (buf instanceof byte[] a) MemorySegment.copy(from, ValueLayout.JAVA_BYTE, 0, a, offset, count);
        else if (buf instanceof double[] a) MemorySegment.copy(from, ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, a, offset, count);
        else if (buf instanceof int[] a) MemorySegment.copy(from, ValueLayout.JAVA_INT_UNALIGNED, 0, a, offset, count);
        else if (buf instanceof long[] a) MemorySegment.copy(from, ValueLayout.JAVA_LONG_UNALIGNED, 0, a, offset, count);
        else if (buf instanceof float[] a) MemorySegment.copy(from, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, a, offset, count);
        else if (buf instanceof short[] a) MemorySegment.copy(from, ValueLayout.JAVA_SHORT_UNALIGNED, 0, a, offset, count);
        else if (buf instanceof char[] a) MemorySegment.copy(from, ValueLayout.JAVA_CHAR_UNALIGNED, 0, a, offset, count);
        else if (buf instanceof boolean[] a) copyBackBooleans(from, a, offset, count);
        else MemorySegment.copy(from, 0, segment(buf, t, offset, count), 0, (long) count * t.size());
    }

    /** Up to this many bytes {@link #copyOut} copies into a byte[] or double[] by plain loads and stores. */
    private static final int SMALL_COPY_BYTES = 64;
    private static final VarHandle LONGS_IN_BYTES = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    static void copyBackBooleans(MemorySegment bytes, boolean[] a, int offset, int count) {
        for (int i = 0; i < count; i++) a[offset + i] = bytes.get(ValueLayout.JAVA_BYTE, i) != 0;
    }

    // ---------------------------------------------------------------- sends

    @Override
    public Request isend(Comm comm, Object buf, ElementType type, int offset, int count, int dest, int tag, int context,
                         boolean sync) {
        FfmOp op = new FfmOp(this, false).arm(comm, sync ? "issend" : type == ElementType.OBJECT ? "isendObject" : "isend",
                true, sync, buf, type, offset, count, dest, tag, context);
        startSend(op);
        return op;
    }

    @Override
    public PersistentRequest sendInit(Comm comm, Object buf, ElementType type, int offset, int count, int dest, int tag,
                                      int context, boolean sync) {
        return new FfmOp(this, true).arm(comm, sync ? "ssendInit" : "sendInit", true, sync, buf, type, offset, count,
                dest, tag, context);
    }

    @Override
    public void send(Comm comm, Object buf, ElementType type, int offset, int count, int dest, int tag, int context,
                     boolean sync) {
        if (!sync) {
            synchronized (lock) {
                if (postedReceives == 0 && waitingReceivers == 0 && dest != rank) {
                    checkOpen();
                    Ctx c = ctx(context);
                    MemorySegment seg = segment(buf, type, offset, count);
                    int rc;
                    try {
                        rc = (int) Mpi.SEND.invokeExact(seg, (int) seg.byteSize(), Mpi.BYTE, c.toComm(dest),
                                envelope(tag, type, seg.byteSize()), c.comm);
                    } catch (Throwable t) {
                        throw internal(t);
                    }
                    if (rc != 0) throw mpiError(rc, "rank " + comm.rank() + ": send(dest=" + comm.commRankOf(dest) + ", tag=" + tag + ") MPI_Send");
                    return;
                }
            }
        }
        FfmOp op = new FfmOp(this, false).arm(comm, sync ? "ssend" : type == ElementType.OBJECT ? "sendObject" : "send",
                true, sync, buf, type, offset, count, dest, tag, context);
        startSend(op);
        op.waitFor();
    }

    /** Stages the data into a pooled native block and starts MPI_Isend / MPI_Issend. */
    void startSend(FfmOp op) {
        synchronized (lock) {
            checkOpen();
            Ctx c = ctx(op.context);
            long bytes = (long) op.count * op.type.size();
            MemorySegment block = pool.take(HEADER + bytes);
            MemorySegment data = block.asSlice(HEADER, bytes);
            if (bytes > 0) MemorySegment.copy(segment(op.buf, op.type, op.offset, op.count), 0, data, 0, bytes);
            int rc;
            try {
                int mpiTag = envelope(op.tag, op.type, bytes);
                rc = op.sync ? (int) Mpi.ISSEND.invokeExact(data, (int) bytes, Mpi.BYTE, c.toComm(op.peer), mpiTag, c.comm, block)
                        : (int) Mpi.ISEND.invokeExact(data, (int) bytes, Mpi.BYTE, c.toComm(op.peer), mpiTag, c.comm, block);
            } catch (Throwable t) {
                pool.give(block);
                throw internal(t);
            }
            if (rc != 0) {
                pool.give(block);
                throw mpiError(rc, op.describe() + " MPI_Isend");
            }
            op.staging = block;
            if (op.type == ElementType.OBJECT) op.buf = null; // handed over, already copied
            pendingSends.add(op);
            testSend(op);
        }
    }

    /** MPI_Test of a staged send (under the lock); completes it and frees its block when done. */
    private boolean testSend(FfmOp op) {
        MemorySegment block = op.staging;
        int rc;
        try {
            rc = (int) Mpi.TEST.invokeExact(block, flag, block.asSlice(16, 48));
        } catch (Throwable t) {
            throw internal(t);
        }
        if (rc != 0) {
            op.staging = null;
            pendingSends.remove(op);
            op.fail(mpiError(rc, op.describe() + " MPI_Test"));
            return true;
        }
        if (flag.get(ValueLayout.JAVA_INT, 0) == 0) return false;
        op.staging = null;
        pool.give(block);
        pendingSends.remove(op);
        op.completeSend();
        return true;
    }

    // ---------------------------------------------------------------- receives

    @Override
    public Request irecv(Comm comm, Object buf, ElementType type, int offset, int count, int source, int tag,
                         int context) {
        FfmOp op = new FfmOp(this, false).arm(comm, buf == null ? "irecvObject" : "irecv", false, false, buf, type,
                offset, count, source, tag, context);
        startRecv(op);
        return op;
    }

    @Override
    public PersistentRequest recvInit(Comm comm, Object buf, ElementType type, int offset, int count, int source,
                                      int tag, int context) {
        return new FfmOp(this, true).arm(comm, "recvInit", false, false, buf, type, offset, count, source, tag, context);
    }

    @Override
    public Status recv(Comm comm, Object buf, ElementType type, int offset, int count, int source, int tag,
                       int context) {
        boolean ahead = type != ElementType.OBJECT && !(buf instanceof boolean[]) && tag != Comm.ANY_TAG
                && (long) count * type.size() <= SHORT_BYTES;
        Status s = ahead ? recvAhead(comm, buf, type, offset, count, source, tag, context)
                : recvDirect(comm, buf, type, offset, count, source, tag, context);
        if (s != null) return s;
        FfmOp op = new FfmOp(this, false).arm(comm, "recv", false, false, buf, type, offset, count, source, tag, context);
        startRecv(op);
        return op.await();
    }

    /**
     * The blocking receive's fast path, while nothing else waits on the context and nothing is queued
     * there: probe MPI for the source's next message and receive it straight into the buffer, polling
     * with the usual idle strategy (spin, yield, short parks). Returns null to fall back to the general
     * path (a posted receive or a queued message appeared, or the message does not fit: the general
     * path then reports the error and leaves the message queued).
     */
    private Status recvDirect(Comm comm, Object buf, ElementType type, int offset, int count, int source, int tag,
                              int context) {
        if (type == ElementType.OBJECT || buf instanceof boolean[]) return null;
        synchronized (lock) {
            waitingReceivers++;
        }
        try {
            return recvDirectLoop(comm, buf, type, offset, count, source, tag, context);
        } finally {
            synchronized (lock) {
                waitingReceivers--;
            }
        }
    }

    private Status recvDirectLoop(Comm comm, Object buf, ElementType type, int offset, int count, int source, int tag,
                                  int context) {
        int iteration = 0;
        long yieldUntil = 0;
        while (true) {
            synchronized (lock) {
                checkOpen();
                Ctx c = ctx(context);
                if (c.aheadOwner != null || !c.posted.isEmpty() || !c.unexpected.isEmpty()) return null;
                int rc;
                try {
                    rc = (int) Mpi.IMPROBE.invokeExact(source == Comm.ANY_SOURCE ? Mpi.ANY_SOURCE : c.toComm(source), Mpi.ANY_TAG,
                            c.comm, flag, handle, status);
                } catch (Throwable t) {
                    throw internal(t);
                }
                check(rc, "MPI_Improbe");
                if (flag.get(ValueLayout.JAVA_INT, 0) != 0) {
                    int mpiTag = status.get(ValueLayout.JAVA_INT, Mpi.STATUS_TAG);
                    int msgTag = tagOf(mpiTag);
                    ElementType msgType = typeOf(mpiTag);
                    long bytes = Mpi.ABI.statusBytes(status);
                    int src = c.toWorld(status.get(ValueLayout.JAVA_INT, Mpi.STATUS_SOURCE));
                    int n = (int) (bytes / msgType.size());
                    if ((tag != Comm.ANY_TAG && tag != msgTag) || msgType != type || n > count) {
                        Msg m = Msg.of(c, status);
                        m.message = Mpi.ABI.readHandle(handle);
                        c.unexpected.add(m);
                        return null;
                    }
                    MemorySegment seg = segment(buf, type, offset, n);
                    try {
                        rc = (int) Mpi.MRECV.invokeExact(seg, (int) bytes, Mpi.BYTE, handle, status2);
                    } catch (Throwable t) {
                        throw internal(t);
                    }
                    if (rc != 0) throw mpiError(rc, "rank " + comm.rank() + ": recv(source=" + comm.commRankOf(src) + ", tag=" + msgTag + ") MPI_Mrecv");
                    if (!pendingSends.isEmpty()) pollSends();
                    return new Status(comm.commRankOf(src), msgTag, n, msgType, false);
                }
                if ((iteration & 63) == 63) pollSends();
            }
            if ((iteration & 63) == 63) progressPolled();
            yieldUntil = pause(++iteration, yieldUntil, comm, source, tag);
        }
    }

    /**
     * One step of a blocking receive's idle strategy (spin, yield, short parks); returns the yield
     * deadline for the next step. Throws INTERRUPTED when the thread is interrupted.
     */
    private long pause(int iteration, long yieldUntil, Comm comm, int source, int tag) {
        if (iteration < Spinning.SPINS) {
            Thread.onSpinWait();
            return yieldUntil;
        }
        long now = System.nanoTime();
        if (yieldUntil == 0) yieldUntil = now + Spinning.YIELD_NANOS;
        if (now - yieldUntil < 0) Thread.yield();
        else LockSupport.parkNanos(parkNanos());
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new CohortException(ErrorClass.INTERRUPTED, rank, "rank " + comm.rank() + ": interrupted in recv(source="
                    + (source == Comm.ANY_SOURCE ? "ANY_SOURCE" : String.valueOf(comm.commRankOf(source))) + ", tag=" + tag
                    + ", comm=" + comm.name() + ")");
        }
        return yieldUntil;
    }

    /**
     * The blocking receive of a short message ({@link #SHORT_BYTES} at most) with a given tag, while
     * nothing else waits on the context and nothing is queued there: MPI_Irecv into the context's
     * native block before the message arrives, MPI_Test with the usual idle strategy, then a copy into
     * the buffer. The message then goes straight into a posted receive, MPI's fastest path; probing
     * first (MPI_Improbe, as {@link #recvDirect} does) costs C itself 0.04-0.15 us a message.
     *
     * <p>Cohort's stricter rules still hold. The MPI_Irecv names the element type and the short bit
     * in its tag, so MPI never gives it a message of another type or one longer than the block. Now
     * and then it probes for such a message from its source with its tag; when one waits, it takes the
     * MPI_Irecv back and the general path reports the message's type or length without consuming it.
     * (Such a message can be passed over by a later one that fits: it stays queued either way.) A
     * message that arrived but is longer than the buffer is queued first on its context, not lost.
     * Another thread that receives or probes on the context first takes the MPI_Irecv back
     * ({@link #retireAhead}). Returns null to go on in the general path.
     */
    private Status recvAhead(Comm comm, Object buf, ElementType type, int offset, int count, int source, int tag,
                             int context) {
        Thread me = Thread.currentThread();
        Ctx c = null;
        int src = 0;
        long yieldUntil = 0;
        try {
            for (int iteration = 0; ; ) {
                synchronized (lock) {
                    checkOpen();
                    int rc;
                    if (iteration == 0) {
                        c = ctx(context);
                        if (c.aheadOwner != null || !c.posted.isEmpty() || !c.unexpected.isEmpty()) return null;
                        if (c.aheadBlock == null) {
                            // freed by the GC with its context, not kept until the transport closes
                            c.aheadBlock = Arena.ofAuto().allocate(HEADER + SHORT_BYTES, 64);
                            c.aheadStatus = c.aheadBlock.asSlice(16, HEADER - 16);
                            c.aheadData = c.aheadBlock.asSlice(HEADER);
                        }
                        src = source == Comm.ANY_SOURCE ? Mpi.ANY_SOURCE : c.toComm(source);
                        try {
                            rc = (int) Mpi.IRECV.invokeExact(c.aheadData, SHORT_BYTES, Mpi.BYTE, src,
                                    envelope(tag, type, 0), c.comm, c.aheadBlock);
                        } catch (Throwable t) {
                            throw internal(t);
                        }
                        if (rc != 0) throw mpiError(rc, "rank " + comm.rank() + ": recv(tag=" + tag + ") MPI_Irecv");
                        c.aheadOwner = me;
                        waitingReceivers++;
                    } else if (c.aheadOwner != me) {
                        return null;   // another thread took it back
                    }
                    try {
                        rc = (int) Mpi.TEST.invokeExact(c.aheadBlock, flag, c.aheadStatus);
                    } catch (Throwable t) {
                        throw internal(t);
                    }
                    if (rc != 0) {
                        releaseAhead(c);
                        throw mpiError(rc, "rank " + comm.rank() + ": recv(tag=" + tag + ") MPI_Test");
                    }
                    if (flag.get(ValueLayout.JAVA_INT, 0) != 0) {
                        releaseAhead(c);
                        return arrivedAhead(c, comm, buf, type, offset, count, source, tag);
                    }
                    if ((iteration & 63) == 63) {
                        pollSends();
                        if ((iteration & 1023) == 1023 && otherWaiting(c, src, tag, type)) {
                            retireAhead(c);
                            return null;
                        }
                    }
                }
                if ((iteration & 63) == 63) progressPolled();
                yieldUntil = pause(++iteration, yieldUntil, comm, source, tag);
            }
        } catch (RuntimeException | Error e) {
            synchronized (lock) {
                if (c != null && c.aheadOwner == me) {
                    try {
                        retireAhead(c);
                    } catch (RuntimeException second) {
                        e.addSuppressed(second);
                    }
                }
            }
            throw e;
        }
    }

    /** The receive posted ahead on the context is over (or taken back): it no longer waits. Under the lock. */
    private void releaseAhead(Ctx c) {
        c.aheadOwner = null;
        waitingReceivers--;
    }

    /**
     * A receive posted ahead has its message: into the buffer when it fits, else queued. The MPI_Irecv
     * named the tag, and the source unless it was ANY_SOURCE, so only the length (and then the source)
     * is read from the MPI_Status. Under the lock.
     */
    private Status arrivedAhead(Ctx c, Comm comm, Object buf, ElementType type, int offset, int count, int source, int tag) {
        MemorySegment st = c.aheadStatus;
        int bytes = (int) Mpi.ABI.statusBytes(st);   // at most SHORT_BYTES, the receive's block
        int n = bytes / type.size();
        if (n > count) {
            keepArrived(c);
            return null;
        }
        int src = source != Comm.ANY_SOURCE ? source : c.toWorld(st.get(ValueLayout.JAVA_INT, Mpi.STATUS_SOURCE));
        if (bytes > 0) copyOut(c.aheadData, buf, type, offset, n);
        if (!pendingSends.isEmpty()) pollSends();
        return c.aheadStatus(comm.commRankOf(src), tag, n, type);
    }

    /** Queues, first on its context, the message in the block of a receive posted ahead. Under the lock. */
    private void keepArrived(Ctx c) {
        Msg m = Msg.of(c, c.aheadStatus);
        m.data = pool.take(Math.max(1, m.bytes));
        MemorySegment.copy(c.aheadData, 0, m.data, 0, m.bytes);
        c.unexpected.addFirst(m);
    }

    /**
     * Takes back the MPI_Irecv a blocking receive posted ahead on the context (under the lock):
     * MPI_Cancel, then MPI_Wait. If the message had arrived meanwhile it is queued first on the
     * context, where the general path finds it. Its owner sees it is no longer the owner and goes on
     * in the general path.
     */
    private void retireAhead(Ctx c) {
        MemorySegment st = c.aheadStatus;
        releaseAhead(c);
        try {
            check((int) Mpi.CANCEL.invokeExact(c.aheadBlock), "MPI_Cancel");
            check((int) Mpi.WAIT.invokeExact(c.aheadBlock, st), "MPI_Wait");
            check((int) Mpi.TEST_CANCELLED.invokeExact(st, flag), "MPI_Test_cancelled");
        } catch (Throwable t) {
            throw internal(t);
        }
        if (flag.get(ValueLayout.JAVA_INT, 0) == 0) keepArrived(c);
    }

    /**
     * True when a message from {@code src} (a rank of the MPI communicator, or MPI_ANY_SOURCE) with
     * the Cohort tag waits in MPI with another element type or the long bit: one a receive posted
     * ahead for (tag, type) can never take. Under the lock.
     */
    private boolean otherWaiting(Ctx c, int src, int tag, ElementType type) {
        int mine = envelope(tag, type, 0);
        for (ElementType u : TYPES) {
            for (int length = 0; length <= LONG_BIT; length += LONG_BIT) {
                int code = tag << TAG_SHIFT | length | u.ordinal();
                if (code == mine) continue;
                int rc;
                try {
                    rc = (int) Mpi.IPROBE.invokeExact(src, code, c.comm, flag, status);
                } catch (Throwable t) {
                    throw internal(t);
                }
                check(rc, "MPI_Iprobe");
                if (flag.get(ValueLayout.JAVA_INT, 0) != 0) return true;
            }
        }
        return false;
    }

    /** Takes the first queued message the receive accepts, or probes MPI for one; else posts the receive. */
    void startRecv(FfmOp op) {
        synchronized (lock) {
            checkOpen();
            Ctx c = ctx(op.context);
            if (c.aheadOwner != null) retireAhead(c);
            for (Iterator<Msg> it = c.unexpected.iterator(); it.hasNext(); ) {
                Msg m = it.next();
                if (!op.accepts(m.source, m.tag)) continue;
                CohortException e = mismatch(m, op);
                if (e != null) {
                    op.fail(e);
                    return;
                }
                it.remove();
                deliver(c, m, op);
                return;
            }
            op.posted = true;
            c.posted.add(op);
            postedReceives++;
            pull(c);
        }
    }

    /**
     * Probes MPI for messages on a context (under the lock) and hands each to the first posted receive
     * that accepts it, or queues it. Stops when MPI has nothing more or nothing is posted.
     */
    private void pull(Ctx c) {
        while (!c.posted.isEmpty()) {
            Msg m = probeOne(c);
            if (m == null) return;
            offer(c, m);
        }
    }

    /** One MPI_Improbe(ANY_SOURCE, ANY_TAG) on the context; null when nothing is there. */
    private Msg probeOne(Ctx c) {
        int rc;
        try {
            rc = (int) Mpi.IMPROBE.invokeExact(Mpi.ANY_SOURCE, Mpi.ANY_TAG, c.comm, flag, handle, status);
        } catch (Throwable t) {
            throw internal(t);
        }
        check(rc, "MPI_Improbe");
        if (flag.get(ValueLayout.JAVA_INT, 0) == 0) return null;
        Msg m = Msg.of(c, status);
        m.message = Mpi.ABI.readHandle(handle);
        return m;
    }

    /** Gives a probed message to the first posted receive that accepts it; receives it does not fit fail. */
    private void offer(Ctx c, Msg m) {
        for (int i = 0; i < c.posted.size(); i++) {
            FfmOp op = c.posted.get(i);
            if (!op.accepts(m.source, m.tag)) continue;
            c.posted.remove(i);
            op.posted = false;
            postedReceives--;
            CohortException e = mismatch(m, op);
            if (e != null) {
                op.fail(e);
                i--;
                continue;
            }
            deliver(c, m, op);
            return;
        }
        c.unexpected.add(m);
    }

    /** MPI_Mrecv of a matched message straight into the receive's buffer (under the lock). */
    private void deliver(Ctx c, Msg m, FfmOp op) {
        int n = (int) (m.bytes / m.type.size());
        Object payload = null;
        MemorySegment seg;
        if (op.type == ElementType.OBJECT) {
            byte[] bytes = new byte[(int) m.bytes];
            payload = bytes;
            seg = MemorySegment.ofArray(bytes);
        } else {
            seg = segment(op.buf, op.type, op.offset, n);
        }
        int rc = 0;
        if (m.data != null) {
            MemorySegment.copy(m.data, 0, seg, 0, m.bytes);
            pool.give(m.data);
            m.data = null;
        } else {
            try {
                Mpi.ABI.writeHandle(handle, m.message);
                rc = (int) Mpi.MRECV.invokeExact(seg, (int) m.bytes, Mpi.BYTE, handle, status2);
            } catch (Throwable t) {
                throw internal(t);
            }
        }
        if (rc != 0) {
            op.fail(mpiError(rc, op.describe() + " MPI_Mrecv"));
            return;
        }
        if (op.buf instanceof boolean[] a) copyBackBooleans(seg, a, op.offset, n);
        op.completeReceive(m.source, m.tag, n, m.type, payload);
    }

    /** Why a message cannot go into a receive, or null when it fits. */
    private static CohortException mismatch(Msg m, FfmOp recv) {
        return recv.mismatch(m.type, (int) (m.bytes / m.type.size()), m.source, m.tag, recv.owner.rank);
    }

    boolean cancel(FfmOp op) {
        if (op.isSend) return false;
        synchronized (lock) {
            if (!op.posted) return false;
            Ctx c = ctx(op.context);
            c.posted.remove(op);
            op.posted = false;
            postedReceives--;
        }
        op.completeCancelled();
        return true;
    }

    // ---------------------------------------------------------------- probe

    @Override
    public Status iprobe(Comm comm, int source, int tag, int context) {
        synchronized (lock) {
            checkOpen();
            Ctx c = ctx(context);
            if (c.aheadOwner != null) retireAhead(c);
            Msg found = find(c, source, tag);
            while (found == null) {
                Msg m = probeOne(c);
                if (m == null) break;
                offer(c, m);
                found = find(c, source, tag);
            }
            pollSends();
            if (found == null) return null;
            return new Status(comm.commRankOf(found.source), found.tag, (int) (found.bytes / found.type.size()), found.type, false);
        }
    }

    private static Msg find(Ctx c, int source, int tag) {
        for (Msg m : c.unexpected) {
            if ((source == Comm.ANY_SOURCE || source == m.source) && (tag == Comm.ANY_TAG || tag == m.tag)) return m;
        }
        return null;
    }

    @Override
    public Status probe(Comm comm, int source, int tag, int context) {
        int spins = 0;
        while (true) {
            Status s = iprobe(comm, source, tag, context);
            if (s != null) return s;
            progressPolled();
            if (++spins < 1000) Thread.onSpinWait();
            else if (spins < 5000) Thread.yield();
            else LockSupport.parkNanos(parkNanos());
        }
    }

    // ---------------------------------------------------------------- progress engine

    @Override
    public ProgressEngine engine() {
        return this;
    }

    private static final Request[] NONE = new Request[0];
    private volatile Request[] polled = NONE;

    /**
     * Completion happens when somebody polls. While operations are pending and no thread of the rank
     * polls (a thread blocked in CompletableFuture.get, a rank busy computing), this thread does, every
     * half millisecond, so futures complete and peers' synchronous sends are matched. With nothing
     * pending it looks only every 5 ms.
     */
    private void pollInBackground() {
        while (!closed) {
            int before = polls;
            boolean work = postedReceives > 0 || !pendingSends.isEmpty() || polled.length > 0;
            LockSupport.parkNanos(work ? 500_000L : 5_000_000L);
            if (closed) return;
            if (polls == before && (postedReceives > 0 || !pendingSends.isEmpty() || polled.length > 0)) {
                try {
                    progress();
                } catch (RuntimeException e) {
                    // the owner of the failing operation sees the error when it polls
                }
            }
        }
    }

    @Override
    public void progress() {
        if (closed) return;
        polls++;
        synchronized (lock) {
            if (closed) return;
            if (postedReceives > 0) {
                Ctx[] cs = ctxs;
                for (Ctx c : cs) if (c != null && !c.posted.isEmpty()) pull(c);
            }
            pollSends();
        }
        progressPolled();
    }

    private void pollSends() {
        for (int i = pendingSends.size() - 1; i >= 0; i--) {
            if (i < pendingSends.size()) testSend(pendingSends.get(i));
        }
    }

    private void progressPolled() {
        Request[] p = polled;
        for (Request r : p) r.advance();
    }

    @Override
    public synchronized void addProgress(Request r) {
        Request[] p = polled;
        Request[] q = Arrays.copyOf(p, p.length + 1);
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
        if (closed) throw new CohortException(ErrorClass.SESSION, rank, "rank " + rank + ": the ffm transport was closed");
    }

    private void checkOpen() {
        checkAlive();
    }

    @Override
    public void parking(Request[] requests, int count, boolean all) {
    }

    @Override
    public void unparked() {
    }

    /** Nothing unparks a waiter here (completion happens when someone polls), so parks are short. */
    @Override
    public long parkNanos() {
        return 100_000L;
    }

    @Override
    public <T> T capability(Class<T> type) {
        if (type == CollectiveEngineProvider.class) return type.cast((CollectiveEngineProvider) (comm, channel) -> new FfmCollectives(this, comm, channel));
        return null;
    }

    /**
     * A rank whose main thread dies of an exception ends the job at once with its cause, instead of
     * reaching MPI_Finalize (where it would wait for ranks that wait for it). Other handlers the
     * application installed are kept.
     */
    private void watchForFailure(Thread main) {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((th, e) -> {
            if (previous != null) previous.uncaughtException(th, e);
            else {
                System.err.print("Exception in thread \"" + th.getName() + "\" ");
                e.printStackTrace();
            }
            if (th == main) abort(e);
        });
    }

    private volatile boolean aborted;

    /** Ends the whole job: prints the cause once and calls MPI_Abort. */
    @Override
    public void abort(Throwable cause) {
        aborted = true;
        System.err.println("cohort: rank " + rank + " failed, aborting the MPI job: " + cause);
        System.err.flush();
        try {
            int rc = (int) Mpi.ABORT.invokeExact(Mpi.COMM_WORLD, 1);
        } catch (Throwable t) {
            // MPI_Abort does not return; if it does, end this process at least
        }
        Runtime.getRuntime().halt(1);
    }

    /**
     * Ends this rank's use of the transport: waits (up to 10 s) for staged sends so that peers get
     * their messages, then refuses further calls. MPI_Finalize itself runs when the JVM exits (a
     * shutdown hook), so that a rank failing after close still aborts the job instead of waiting in
     * MPI_Finalize for ranks that wait for it.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) return;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!pendingSends.isEmpty() && System.nanoTime() < deadline) pollSends();
            closed = true;
            LockSupport.unpark(poller);
            if (blockedWatch != null) LockSupport.unpark(blockedWatch);
        }
    }

    private void finalizeMpi() {
        if (aborted) return;
        synchronized (lock) {
            closed = true;
            try {
                int rc = (int) Mpi.FINALIZE.invokeExact();
            } catch (Throwable t) {
                // exiting anyway
            }
        }
    }
}
