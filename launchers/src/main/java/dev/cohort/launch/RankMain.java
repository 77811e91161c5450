package dev.cohort.launch;

import dev.cohort.Cohort;
import dev.cohort.CohortException;
import dev.cohort.CohortOptions;
import dev.cohort.ErrorClass;
import dev.cohort.spi.Transport;
import dev.cohort.spi.TransportProvider;

import java.io.PrintWriter;
import java.util.Arrays;

/**
 * The main of one rank in a process of its own (under mpirun, started by {@code cohort run
 * --transport openmpi}): opens the rank's session, runs the program's main with
 * {@code Cohort.init} returning that session, and when main throws, prints
 * {@code cohort: rank R failed: CAUSE} and the stack trace once, then ends the whole job through the
 * transport (MPI_Abort). The transport is closed (MPI_Finalize) here after main returns, whether or
 * not the program closed its session.
 *
 * <pre>java -cp RUNTIME:APP dev.cohort.launch.RankMain MAIN [ARGS...]</pre>
 */
public final class RankMain {
    private static final long ABORT_PAUSE_MILLIS = 300;

    private RankMain() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: java -cp ... dev.cohort.launch.RankMain MAIN [ARGS...]");
            System.exit(ExitCode.USAGE);
        }
        ApplicationMain main = ApplicationMain.named(args[0]);
        String[] programArgs = Arrays.copyOfRange(args, 1, args.length);
        CohortOptions options = CohortOptions.defaults();
        Cohort session;
        try {
            TransportProvider p = Cohort.selectProvider(options.transport());
            Transport t = p.open(programArgs, options);
            session = new Cohort(t, options, programArgs, Thread.currentThread().getContextClassLoader(), false);
            session.openedByLauncher();
        } catch (CohortException e) {
            System.err.println("cohort: cannot start this rank: " + e.getMessage());
            System.exit(ExitCode.FAILED);
            return;
        }
        Transport transport = session.transport();
        try {
            Cohort.callBound(session, world -> {
                main.invoke(Thread.currentThread().getContextClassLoader(), programArgs);
                return null;
            });
        } catch (Throwable t) {
            fail(session.rank(), t, transport);
        }
        session.close();
        transport.close();
    }

    /** Reports the failure once and aborts the job; does not return. */
    private static void fail(int rank, Throwable t, Transport transport) {
        System.out.flush();
        PrintWriter err = new PrintWriter(System.err, true);
        LocalJobRunner.reportFailure(new CohortException(ErrorClass.FAILED, rank, "rank " + rank + " failed: " + t, t), err);
        err.flush();
        System.err.flush();
        try {
            // mpirun forwards the ranks' output asynchronously and prints its own MPI_ABORT notice at
            // once: a moment's pause lets the cause arrive first
            Thread.sleep(ABORT_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            transport.abort(t);
        } finally {
            Runtime.getRuntime().halt(ExitCode.FAILED);
        }
    }
}
