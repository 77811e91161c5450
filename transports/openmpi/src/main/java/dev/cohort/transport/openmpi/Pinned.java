package dev.cohort.transport.openmpi;

import dev.cohort.ElementType;
import dev.cohort.Op;
import dev.cohort.spi.CacheDir;
import mpi.MPIException;

import java.io.File;
import java.lang.reflect.Field;

/**
 * Blocking collectives straight on Java heap arrays, through Cohort's own native helper
 * ({@code src/main/c/cohort_openmpi.c}, built by {@code bin/setup-native} with the installed mpicc into
 * the user's cache). The bindings stage a heap array through a copy in and a copy out; the helper
 * pins the arrays for the MPI call instead. Pinning stops the JVM's garbage collector (JDK 17), so the
 * helper first waits in MPI_Barrier with nothing pinned and pins only once every rank is in the
 * collective; and only large blocking calls use it ({@link #MIN_BYTES}): below that the copies cost
 * less than the barrier. Long messages between heap arrays go by rendezvous ({@link #offer},
 * {@link #pull}, {@link #serve}: the receiver posts its receive before the sender pins), and a long
 * message's chunks, which its sender has started before the receiver takes its head, are received
 * straight into the receiving heap array ({@link #recvChunks}).
 *
 * <p>Found at {@code -Dcohort.openmpi.native=PATH}, else at
 * {@code $COHORT_CACHE|$XDG_CACHE_HOME/cohort|~/.cache/cohort/openmpi/libcohort_openmpi.abiN.so}, N
 * being {@link #ABI} (so checkouts of other versions sharing the cache keep helpers of their own);
 * {@code -Dcohort.openmpi.native=off} turns it off. When it is absent, or built for another version of
 * this class, the transport stages as before and {@link #status()} says why.
 */
final class Pinned {
    /** Must match COHORT_ABI in cohort_openmpi.c. */
    static final int ABI = 8;
    /** Blocking collectives on at least this many bytes use the helper. */
    static final long MIN_BYTES = Long.getLong("cohort.openmpi.pinBytes", 128 * 1024);

    private static volatile Boolean loaded;
    private static volatile String status = "not loaded yet";
    /** The first word of {@link #status}: loaded, absent, stale, unusable, off. */
    private static volatile String state = "not loaded";
    private static Field handle;

    private Pinned() {
    }

    /** Loads the helper once (after MPI is initialized: it links against the same libmpi). */
    static boolean available() {
        Boolean l = loaded;
        if (l != null) return l;
        synchronized (Pinned.class) {
            if (loaded == null) loaded = load();
            return loaded;
        }
    }

    /** Whether the helper is in use, and if not, why. */
    static String status() {
        return status;
    }

    /** The helper's state in a word (loaded, absent, stale, unusable, off), after {@link #available()}. */
    static String state() {
        return state;
    }

    /** Records the outcome of {@link #load()}: a word, and what it is about (the file, or why not). */
    private static boolean outcome(String word, String about) {
        boolean ok = word.equals("loaded");
        state = word;
        status = word + " (" + about + "): " + (ok ? "blocking collectives of " + MIN_BYTES
                + " bytes or more and long messages on heap arrays are pinned, not copied" : "heap arrays are staged");
        return ok;
    }

    private static boolean load() {
        String p = System.getProperty("cohort.openmpi.native", "").trim();
        if (p.equalsIgnoreCase("off") || p.equalsIgnoreCase("false")) {
            return outcome("off", "-Dcohort.openmpi.native=off");
        }
        File f = p.isEmpty() ? defaultLibrary() : new File(p);
        if (!f.isFile()) {
            return outcome("absent", f + "; bin/setup-native builds it with mpicc");
        }
        try {
            System.load(f.getAbsolutePath());
            int abi = abi();
            if (abi != ABI) {
                return outcome("stale", f + " is version " + abi + ", this Cohort needs " + ABI
                        + "; run bin/setup-native again");
            }
            realignBelow(Integer.getInteger("cohort.openmpi.realignBelow", 32));
            Field h = mpi.Comm.class.getDeclaredField("handle");
            h.setAccessible(true);
            handle = h;
        } catch (UnsatisfiedLinkError | ReflectiveOperationException | RuntimeException e) {
            return outcome("unusable", f + ": " + e);
        }
        return outcome("loaded", f.toString());
    }

    /** Where bin/setup-native builds the helper (bin/lib/openmpi.sh's cohort_ompi_native). */
    static File defaultLibrary() {
        return CacheDir.path().resolve("openmpi").resolve("libcohort_openmpi.abi" + ABI + ".so").toFile();
    }

    /** True when the helper can take a blocking call on this heap array of this many bytes. */
    static boolean wants(Object array, long bytes) {
        return bytes >= MIN_BYTES && heapArray(array);
    }

    /** True when the helper can take this array: a heap array of numbers (not boolean), and the helper is loaded. */
    static boolean heapArray(Object array) {
        return array != null && array.getClass().isArray() && !(array instanceof boolean[]) && !(array instanceof Object[])
                && available();
    }

    /** The MPI_Comm behind a communicator of the bindings. */
    static long comm(mpi.Comm c) {
        try {
            return handle.getLong(c);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The helper's number for a reducible element type; -1 for the others. */
    static int type(ElementType t) {
        switch (t) {
            case SHORT: return 1;
            case INT: return 2;
            case LONG: return 3;
            case FLOAT: return 4;
            case DOUBLE: return 5;
            default: return -1;
        }
    }

    /** The helper's number for an MPI reduction; -1 for the others. */
    static int op(Op op) {
        for (int i = 0; i < OPS.length; i++) if (OPS[i] == op) return i;
        return -1;
    }

    /** The reductions in the helper's numbering (cohort_openmpi.c's operation()). */
    private static final Op[] OPS = {Op.SUM, Op.PROD, Op.MIN, Op.MAX, Op.LAND, Op.LOR, Op.LXOR, Op.BAND, Op.BOR, Op.BXOR};

    static native int abi();

    /**
     * Up to {@code tests} MPI_Test calls on a request of the bindings in one JNI call; true once it
     * completed (the request then holds MPI_REQUEST_NULL, as after {@code request.test()}). Each
     * {@code Request.test()} of the bindings costs more than the test itself.
     */
    static native boolean test(mpi.Request request, int tests) throws MPIException;

    /**
     * MPI_Irecv of {@code count} bytes at {@code address} (a direct buffer's, {@link #address}), then
     * up to {@code tests} MPI_Test calls, in one JNI call. {@code into} is a request of the bindings that
     * is done with (MPI_REQUEST_NULL), reused: true when the receive completed (the request still holds
     * MPI_REQUEST_NULL), false when it is pending, its handle then in {@code into} (poll it with
     * {@link #test}). Saves a blocking receive the bindings' iRecv (a Java wrapper, a new Request, a JNI
     * call and the buffer's address looked up).
     */
    static native boolean irecvTest(long comm, long address, int count, int source, int tag, mpi.Request into, int tests)
            throws MPIException;

    /**
     * MPI_Send of {@code count} bytes at {@code address} (a direct buffer's, {@link #address}): the
     * bindings' send of a direct buffer without its checks, address lookup and exception check. For
     * short messages only (they go eagerly).
     */
    static native void send(long comm, long address, int count, int dest, int tag) throws MPIException;

    /** The address of a direct buffer (0 for another buffer); the caller keeps the buffer reachable. */
    static native long address(java.nio.ByteBuffer buf);

    /**
     * A rendezvous whose receiver's buffer lies 1 to {@code distance - 1} bytes past the sender's,
     * modulo the 4 KiB page, is sent from a copy at the receiver's page offset: the kernel's copy
     * between the processes runs about 15x slower at such distances on the AMD processors measured
     * (cohort_openmpi.c's realign). 0 or 1 turns it off; {@code -Dcohort.openmpi.realignBelow}, default 32.
     */
    static native void realignBelow(int distance);

    /** How many rendezvous sends of this process were sent from a realigned copy. */
    static native long realigned();

    /**
     * kind 0 MPI_Allreduce, 1 MPI_Scan, 2 MPI_Reduce; offsets in bytes; send null means the input is
     * in recv; recv may be null at a reduce's non-root rank. Barrier first, then pinned.
     */
    static native void reduction(long comm, int kind, Object send, long sendOffset, Object recv, long recvOffset,
                                 int count, int type, int op, int root) throws MPIException;

    /**
     * Receives bytes [from, bytes) of a long message, in chunks of at most {@code chunk} bytes from
     * {@code source} on {@code tag}, straight into a heap array from byte {@code dstOffset + from} on.
     * Only for chunks the sender has already started (they need nothing more of this process).
     */
    static native void recvChunks(long comm, int source, int tag, Object dst, long dstOffset, int from, int bytes,
                                  int chunk) throws MPIException;

    // ---- rendezvous (see cohort_openmpi.c): all of these are called under the transport's lock

    /**
     * Offers the rest of a long message, {@code bytes} bytes of a heap array from byte
     * {@code offset}, to {@code dest} (a rank of the rendezvous communicator) as offer {@code id}. Keeps
     * a global reference to the array until {@link #take} forgets the offer. Returns 0, or -1 when the
     * helper is out of memory.
     */
    static native int offer(int id, Object array, long offset, int bytes, int dest);

    /** An offer's state: 0 offered, 1 sending, 2 sent (then forgotten); a failed offer throws (and is forgotten). */
    static native int take(int id) throws MPIException;

    /** Withdraws an offer no CTS has asked for yet (its head could not be sent). */
    static native void withdraw(int id);

    /** Serves the CTSs that have arrived on the rendezvous communicator; returns with nothing pinned. */
    static native void serve(long comm) throws MPIException;

    /**
     * Receives the rest of a long message by rendezvous: {@code bytes} bytes of {@code source}'s offer
     * {@code id} into {@code dst} (a heap array, or a direct ByteBuffer when {@code direct}) from byte
     * {@code dstOffset} on. Serves CTSs while it waits.
     */
    static native void pull(long comm, int source, int id, Object dst, boolean direct, long dstOffset, int bytes)
            throws MPIException;

    /** MPI_Bcast of {@code bytes} bytes from byte {@code offset} of a heap array. Barrier first, then pinned. */
    static native void bcast(long comm, Object buf, long offset, int bytes, int root) throws MPIException;
}
