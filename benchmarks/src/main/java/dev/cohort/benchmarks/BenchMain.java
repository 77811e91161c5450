package dev.cohort.benchmarks;

import dev.cohort.Cohort;
import dev.cohort.CohortException;
import dev.cohort.CohortOptions;
import dev.cohort.Comm;
import dev.cohort.spi.TransportProvider;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * OSU-style micro-benchmarks of Cohort:
 * {@code BenchMain NAME [--transport T] [-np N] [--sizes MIN:MAX] [--iterations K] [--warmup K]
 * [--type byte|double] [--window W] [--format osu|kv]} with NAME one of {@link Benchmarks#names()}.
 *
 * <p>On the local transport (the default outside a native launcher) this process runs the job itself:
 * N thread ranks (default 2) via {@link Cohort#run}. Under a native launcher (mpirun, MPJ Express)
 * every process is one rank and joins with {@link Cohort#init}. Either way each rank runs the same
 * benchmark body on its world communicator, and rank 0 prints.
 *
 * <p>Exit codes: 0 done, 1 the job failed, 2 a usage error (unknown benchmark or option).
 */
public final class BenchMain {
    /** Exit code of a finished run. */
    public static final int OK = 0;
    /** Exit code when the job failed (a rank threw, the transport is unavailable). */
    public static final int FAILED = 1;
    /** Exit code of a command line that cannot be run. */
    public static final int USAGE = 2;

    /** Not a benchmark but the side-by-side run of the references and every transport ({@code Compare}). */
    public static final String COMPARE = "compare";

    private static final String[] LAUNCHER_VARIABLES = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPJ_HOME_RANK"};

    private BenchMain() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        if (code != OK) System.exit(code);
    }

    /**
     * Runs the command line and returns the exit code instead of exiting (for launchers and tests).
     * Results go to {@code out}; usage text and errors to {@code err}.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals(COMPARE)) {
            return dev.cohort.benchmarks.compare.Compare.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        BenchOptions o;
        try {
            o = BenchOptions.parse(args);
        } catch (UsageException e) {
            return usageError(err, e.getMessage());
        }
        if (o.help()) {
            out.println(BenchOptions.usage(Benchmarks.names()));
            return OK;
        }
        Supplier<Benchmark> maker = Benchmarks.find(o.name());
        if (maker == null) {
            return usageError(err, "unknown benchmark '" + o.name() + "'; known: " + String.join(", ", Benchmarks.names()));
        }
        return run(maker, o, args, out, err);
    }

    /** Runs one benchmark with parsed options; see {@link #run(String[], PrintStream, PrintStream)}. */
    static int run(Supplier<Benchmark> maker, BenchOptions o, String[] args, PrintStream out, PrintStream err) {
        Benchmark probe = maker.get();
        try {
            probe.validate(o);
            String transport = resolveTransport(o, err);
            if ("local".equals(transport)) return runLocal(maker, probe, o, out);
            return runNative(maker, probe, o, transport, args, out, err);
        } catch (UsageException e) {
            return usageError(err, e.getMessage());
        } catch (CohortException e) {
            UsageException usage = findUsage(e);
            if (usage != null) return usageError(err, usage.getMessage());
            err.println("BenchMain " + probe.name() + " failed: " + e.getMessage());
            if (e.getCause() != null && !(e.getCause() instanceof CohortException)) e.getCause().printStackTrace(err);
            return FAILED;
        }
    }

    /** The transport to use: --transport, else cohort.transport / COHORT_TRANSPORT, else the launcher's, else local. */
    private static String resolveTransport(BenchOptions o, PrintStream err) {
        String requested = o.transport() != null ? o.transport() : CohortOptions.defaults().transport();
        if (!"auto".equals(requested)) {
            List<String> known = new ArrayList<>();
            for (TransportProvider p : Cohort.providers()) known.add(p.name());
            if (!known.contains(requested)) {
                throw new UsageException("unknown transport '" + requested + "'; on the class path: " + String.join(", ", known));
            }
            return requested;
        }
        String name = Cohort.selectProvider("auto").name();
        if ("local".equals(name)) {
            for (String v : LAUNCHER_VARIABLES) {
                if (System.getenv(v) != null) {
                    err.println("BenchMain: started by an MPI launcher (" + v + " is set) but no native transport is on the"
                            + " class path; each process runs its own job of local thread ranks");
                    break;
                }
            }
        }
        return name;
    }

    private static int runLocal(Supplier<Benchmark> maker, Benchmark probe, BenchOptions o, PrintStream out) {
        int np = o.np() != null ? o.np() : 2;
        checkRanks(probe, np);
        CohortOptions options = CohortOptions.builder().transport("local").build();
        Cohort.run(np, options, world -> body(maker, o, world, "local", out));
        return OK;
    }

    private static int runNative(Supplier<Benchmark> maker, Benchmark probe, BenchOptions o, String transport,
                                 String[] args, PrintStream out, PrintStream err) {
        CohortOptions options = CohortOptions.builder().transport(transport).build();
        try (Cohort mpi = Cohort.init(options, args)) {
            Comm world = mpi.world();
            if (o.np() != null && o.np() != world.size()) {
                throw new UsageException("-np " + o.np() + " but the launcher started " + world.size()
                        + " ranks; under a native launcher the launcher sets the rank count");
            }
            checkRanks(probe, world.size());
            body(maker, o, world, mpi.transportName(), out);
        }
        return OK;
    }

    /** What every rank runs, on either kind of transport. */
    private static void body(Supplier<Benchmark> maker, BenchOptions o, Comm world, String transport, PrintStream out) {
        Benchmark b = maker.get();
        b.run(world, o, Report.forRank(world.rank(), out, o.format(), b.name(), transport, world.size()));
    }

    private static void checkRanks(Benchmark b, int np) {
        if (np < b.minRanks()) {
            throw new UsageException(b.name() + " needs at least " + b.minRanks() + " ranks, got " + np);
        }
    }

    private static UsageException findUsage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UsageException) return (UsageException) c;
        }
        return null;
    }

    private static int usageError(PrintStream err, String message) {
        err.println("BenchMain: " + message);
        err.println(BenchOptions.usage(Benchmarks.names()));
        return USAGE;
    }
}
