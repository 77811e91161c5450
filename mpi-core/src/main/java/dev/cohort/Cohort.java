package dev.cohort;

import dev.cohort.codec.KryoCodec;
import dev.cohort.codec.ObjectCodec;
import dev.cohort.local.LocalJob;
import dev.cohort.spi.Transport;
import dev.cohort.spi.TransportProvider;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A Cohort session: this rank's membership in a job. Open it with {@link #init(String...)} at the
 * start of {@code main} and close it at the end (try-with-resources):
 *
 * <pre>{@code
 * try (Cohort mpi = Cohort.init(args)) {
 *     Comm world = mpi.world();
 *     System.out.println("I am " + world.rank() + " of " + world.size());
 * }
 * }</pre>
 *
 * The transport comes from {@code -Dcohort.transport} (or COHORT_TRANSPORT), else from the launcher
 * that started the process (mpirun, MPJ Express), else the job is this one process (size 1) on the
 * local transport. Inside {@link #run(int, RankBody)} (and under {@code cohort run --transport local})
 * init returns the calling rank's session.
 *
 * <p>For embedded use, {@link #run(int, RankBody)} runs a body on N ranks as threads of this JVM.
 */
public final class Cohort implements AutoCloseable {
    private static final InheritableThreadLocal<Cohort> BOUND = new InheritableThreadLocal<>();

    private final Transport transport;
    private volatile CohortOptions options;
    private final ClassLoader loader;
    private ObjectCodec codec;
    /** Object messages of JDK values and collections travel as copies (ranks share this heap). */
    volatile boolean copiesObjects;
    /** Opened by a launcher before the program's main: the program's init(options) still sets its options. */
    private volatile boolean openedByLauncher;
    private final Comm world;
    private final String[] args;
    private final boolean ownsTransport;
    private volatile boolean closed;
    /** The lowest context id this rank has not used; world uses 0 and 1. */
    private int nextContext = 2;

    /**
     * For transports: a session over an opened transport. {@code ownsTransport}: whether closing the
     * session closes the transport (false for ranks whose job is run by {@link #run}).
     */
    public Cohort(Transport transport, CohortOptions options, String[] args, ClassLoader loader, boolean ownsTransport) {
        this.transport = transport;
        this.args = args == null ? new String[0] : args.clone();
        this.loader = loader;
        this.ownsTransport = ownsTransport;
        use(options);
        this.world = new Comm(this, transport, "WORLD", null, 0, 1);
    }

    // ---------------------------------------------------------------- starting

    /** Joins the job this process (or rank thread) belongs to, with options from system properties. */
    public static Cohort init(String... args) {
        Cohort bound = bound();
        return bound != null ? bound : open(CohortOptions.defaults(), args);
    }

    /**
     * Joins the job with the given options. Under a launcher ({@code cohort run}, which opens each
     * rank's session before main runs) the session takes the options that are the program's own: its
     * codec policy and whether objects are copied. The transport and the job's settings (deadlock
     * detection, abort grace) stay the launcher's.
     */
    public static Cohort init(CohortOptions options, String... args) {
        Cohort bound = bound();
        if (bound != null) {
            bound.adopt(options);
            return bound;
        }
        return open(options, args);
    }

    /** The session this thread's rank is already in (inside {@link #run} or a launcher), or null. */
    private static Cohort bound() {
        Cohort bound = BOUND.get();
        if (bound != null && bound.closed) {
            throw new CohortException(ErrorClass.SESSION, bound.transport.rank(),
                    "rank " + bound.transport.rank() + ": init after the session was closed");
        }
        return bound;
    }

    /**
     * For launchers: marks a session they opened before running the program's main, so that the
     * program's {@code init(options)} sets its codec policy and object copying.
     */
    public void openedByLauncher() {
        openedByLauncher = true;
    }

    private synchronized void adopt(CohortOptions program) {
        if (!openedByLauncher) return;
        use(options.toBuilder().codecPolicy(program.codecPolicy()).copyObjects(program.copyObjects()).build());
    }

    /** Sets the options and what follows from them (the codec is made from them when first needed). */
    private synchronized void use(CohortOptions o) {
        options = o;
        copiesObjects = o.copyObjects() && transport.sharesHeap();
        codec = null;
    }

    private static Cohort open(CohortOptions options, String... args) {
        TransportProvider p = selectProvider(options.transport());
        Transport t = p.open(args, options);
        return new Cohort(t, options, t.applicationArgs(args), contextLoader(), true);
    }

    private static ClassLoader contextLoader() {
        ClassLoader l = Thread.currentThread().getContextClassLoader();
        return l != null ? l : Cohort.class.getClassLoader();
    }

    /** Every transport provider on the class path. */
    public static List<TransportProvider> providers() {
        List<TransportProvider> out = new ArrayList<>();
        for (TransportProvider p : ServiceLoader.load(TransportProvider.class, Cohort.class.getClassLoader())) out.add(p);
        return out;
    }

    /** The provider for a name ("auto" picks by launcher environment, falling back to local). */
    public static TransportProvider selectProvider(String name) {
        List<TransportProvider> all = providers();
        if (!"auto".equals(name)) {
            for (TransportProvider p : all) {
                if (p.name().equals(name)) {
                    if (!p.isAvailable()) {
                        throw new CohortException(ErrorClass.SESSION, -1,
                                "transport " + name + " is not available: " + p.unavailabilityCause());
                    }
                    return p;
                }
            }
            List<String> names = new ArrayList<>();
            for (TransportProvider p : all) names.add(p.name());
            throw new CohortException(ErrorClass.SESSION, -1, "unknown transport '" + name + "'; known: " + names);
        }
        TransportProvider best = null;
        for (TransportProvider p : all) {
            if (p.launchedHere() && p.isAvailable() && (best == null || p.priority() > best.priority())) best = p;
        }
        if (best != null) return best;
        for (TransportProvider p : all) {
            if (p.name().equals("local")) return p;
        }
        throw new CohortException(ErrorClass.SESSION, -1, "no transport provider found on the class path");
    }

    /**
     * Runs {@code body} on {@code np} ranks, each a thread of this JVM, and returns when all have
     * finished. If any rank throws, every other rank's operations fail within the abort grace (2 s by
     * default) and this method throws a CohortException naming the failed rank, with its exception as
     * the cause. A deadlock among the ranks is reported as a DEADLOCK error listing what each waits for.
     */
    public static void run(int np, RankBody body) {
        run(np, CohortOptions.defaults(), body);
    }

    /** {@link #run(int, RankBody)} with options. */
    public static void run(int np, CohortOptions options, RankBody body) {
        call(np, options, world -> {
            body.run(world);
            return null;
        });
    }

    /** Runs {@code fn} on {@code np} thread ranks and returns each rank's result, by rank. */
    public static <T> List<T> call(int np, RankFunction<T> fn) {
        return call(np, CohortOptions.defaults(), fn);
    }

    /** {@link #call(int, RankFunction)} with options. */
    public static <T> List<T> call(int np, CohortOptions options, RankFunction<T> fn) {
        if (np < 1) throw new CohortException(ErrorClass.ARG, -1, "Cohort.run: np must be at least 1, got " + np);
        if (fn == null) throw new CohortException(ErrorClass.ARG, -1, "Cohort.run: the rank body is null");
        return new LocalJob(np, options).call(fn);
    }

    /**
     * For launchers: runs {@code body} on the calling thread as the given session's rank, so that
     * {@link #init} on this thread (and threads it starts) returns that session.
     */
    public static <T> T callBound(Cohort session, RankFunction<T> body) throws Exception {
        Cohort previous = BOUND.get();
        BOUND.set(session);
        try {
            return body.apply(session.world);
        } finally {
            if (previous == null) BOUND.remove();
            else BOUND.set(previous);
        }
    }

    // ---------------------------------------------------------------- the session

    /** The communicator of all ranks. */
    public Comm world() {
        checkOpen("world");
        return world;
    }

    /** This rank in the world. */
    public int rank() {
        return world.rank();
    }

    /** Number of ranks in the world. */
    public int size() {
        return world.size();
    }

    /** The transport's name: local, openmpi, mpj or ffm. */
    public String transportName() {
        return transport.name();
    }

    /** The host this rank runs on (MPI_Get_processor_name). */
    public String processorName() {
        return transport.processorName();
    }

    /** The arguments given to init, less any the launcher added for itself. */
    public String[] args() {
        return args.clone();
    }

    /**
     * Whether object messages holding only JDK values and collections travel as copies instead of
     * encodings: on the local transport unless {@link CohortOptions#copyObjects()} is off. Such a
     * message's status counts 0 bytes.
     */
    public boolean copiesObjects() {
        return copiesObjects;
    }

    /** The options this session was started with. */
    public CohortOptions options() {
        return options;
    }

    /** Wall-clock seconds with nanosecond resolution, for timing (MPI_Wtime). */
    public static double wtime() {
        return System.nanoTime() * 1e-9;
    }

    /** The object codec, made on first use (one per rank; Comm serializes its use per thread). */
    synchronized ObjectCodec codec() {
        if (codec == null) codec = new KryoCodec(options.codecPolicy(), loader);
        return codec;
    }

    /** For transports and collectives: the SPI transport under this session. */
    public Transport transport() {
        return transport;
    }

    /** True once closed. */
    public boolean isClosed() {
        return closed;
    }

    synchronized int peekContext() {
        return nextContext;
    }

    synchronized void claimContexts(int next) {
        if (next > nextContext) nextContext = next;
    }

    void checkOpen(String op) {
        if (closed) {
            throw new CohortException(ErrorClass.SESSION, transport.rank(),
                    "rank " + transport.rank() + ": " + op + " after the session was closed");
        }
    }

    /** Ends this rank's session; later operations fail with SESSION. Closing twice is harmless. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (ownsTransport) transport.close();
    }

    /** The host name, looked up once. */
    public static String hostName() {
        return HostName.NAME;
    }

    private static final class HostName {
        static final String NAME = lookup();

        private static String lookup() {
            String env = System.getenv("HOSTNAME");
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                return env != null ? env : "localhost";
            }
        }
    }

    @Override
    public String toString() {
        return "Cohort[" + transport.name() + ", rank " + transport.rank() + " of " + transport.size() + ", args "
                + Arrays.toString(args) + "]";
    }
}
