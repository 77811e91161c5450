package dev.cohort.transport.mpj;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * The class {@code cohort run --transport mpj} hands to MPJ Express's starter: it runs the program's
 * main on the rank and turns a failure on any rank into the end of the whole job.
 *
 * <pre>
 * java -jar $MPJ_HOME/lib/starter.jar -np 4 -dev multicore -cp CLASSPATH dev.cohort.transport.mpj.MpjMain MAIN [ARGS]...
 * </pre>
 *
 * MPJ calls this main with its own three arguments first (rank, size or configuration, device), then
 * MAIN and the program's arguments. The program's main gets only its own arguments, as under the local
 * transport and mpirun (so programs that read their arguments before {@code Cohort.init} work too);
 * MPJ's three are kept for the rank's threads, where {@code Cohort.init} finds them. Without this wrapper an exception on one rank of the
 * multicore device only prints a stack trace and leaves the other ranks waiting forever; with it the
 * first failure prints {@code cohort: rank R failed: ROOT CAUSE} once and the job exits with status 1.
 * On the niodev cluster device, where each rank is a process, the failing rank first sends the others
 * an abort notice ({@link MpjTransport#abort}), which ends them too.
 *
 * <p>MPJ's starter exits with status 0 whatever its ranks did, so when the environment variable
 * {@value #STATUS_ENV} names a file, each rank appends {@code done R} or {@code failed R} to it; the
 * launcher reads it to find the job's exit status (a rank that wrote neither ended the JVM early, for
 * example with System.exit). The first failure's report goes to the same path with ".report" added:
 * MPJ's starter merges the ranks' standard error into its standard output, and the launcher prints
 * the report on its own standard error.
 */
public final class MpjMain {
    private static final String FAILED_PROPERTY = "cohort.mpj.failedRank";
    /** The environment variable naming the job's status file. */
    public static final String STATUS_ENV = "COHORT_MPJ_STATUS";

    private MpjMain() {
    }

    public static void main(String[] args) throws Exception {
        if (!MpjEnvironment.hasLauncherPrefix(args) || args.length < 4) {
            System.err.println("cohort: MpjMain runs under MPJ Express's starter: starter.jar ... "
                    + MpjMain.class.getName() + " MAIN [ARGS]... (got " + Arrays.toString(args) + ")");
            System.exit(2);
        }
        String rank = args[0].trim();
        String mainClass = args[3];
        String[] programArgs = Arrays.copyOfRange(args, 4, args.length);
        MpjEnvironment.LAUNCHER_ARGS.set(Arrays.copyOf(args, 3));
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) loader = MpjMain.class.getClassLoader();
        try {
            Class<?> c = Class.forName(mainClass, true, loader);
            Method m = c.getMethod("main", String[].class);
            m.setAccessible(true);
            m.invoke(null, (Object) programArgs);
            MpjTransport t = MpjTransport.opened();
            if (t != null) t.leaving(null);   // in case the program left its session open
            record("done " + rank);
        } catch (InvocationTargetException e) {
            fail(rank, e.getCause() != null ? e.getCause() : e);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            fail(rank, e);
        }
    }

    /** Appends a line to the status file, if there is one (one short append per rank: no interleaving). */
    private static void record(String line) {
        String file = System.getenv(STATUS_ENV);
        if (file == null || file.isEmpty()) return;
        write(file, line + "\n");
    }

    private static boolean write(String file, String text) {
        try {
            java.nio.file.Files.write(java.nio.file.Paths.get(file), text.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("cohort: cannot write the MPJ job status to " + file + ": " + e);
            return false;
        }
    }

    /**
     * Prints the first failure of the job (ranks of the multicore device share this JVM) and ends the
     * job. A rank that failed only because another one did (ABORTED: on a cluster device it got that
     * rank's abort notice) prints nothing: the failing rank has reported.
     */
    private static void fail(String rank, Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        record("failed " + rank);
        if (MpjTransport.endedByAnotherRank(root)) {
            System.out.flush();
            System.exit(1);
        }
        // System properties are shared by every rank's class loader: the first failing rank prints
        synchronized (System.getProperties()) {
            if (System.getProperty(FAILED_PROPERTY) == null) {
                System.setProperty(FAILED_PROPERTY, rank);
                StringBuilder report = new StringBuilder("cohort: rank ").append(rank).append(" failed: ").append(root).append('\n');
                for (StackTraceElement f : root.getStackTrace()) {
                    if (f.getClassName().startsWith("jdk.internal.reflect.") || f.getClassName().startsWith("java.lang.reflect.")) break;
                    report.append("\tat ").append(f).append('\n');
                }
                System.out.flush();
                // MPJ's starter merges the ranks' stderr into its stdout: the launcher prints the report on its stderr
                String file = System.getenv(STATUS_ENV);
                if (file == null || file.isEmpty() || !write(file + ".report", report.toString())) {
                    System.err.print(report);
                    System.err.flush();
                }
            }
        }
        MpjTransport transport = MpjTransport.opened();
        if (transport != null) transport.abort(root);   // tells the other ranks first on a cluster device; exits
        try {
            mpi.MPI.COMM_WORLD.Abort(1);
        } catch (Throwable e) {
            // not initialized, or MPJ refused: exiting ends this process's ranks anyway
        }
        System.exit(1);
    }
}
