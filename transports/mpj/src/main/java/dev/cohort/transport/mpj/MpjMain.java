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
 * MAIN and the program's arguments; the program's main gets MPJ's three arguments and its own, so that
 * {@code Cohort.init(args)} finds what it needs. Without this wrapper an exception on one rank of the
 * multicore device only prints a stack trace and leaves the other ranks waiting forever; with it the
 * first failure prints {@code cohort: rank R failed: ROOT CAUSE} once and the job exits with status 1.
 */
public final class MpjMain {
    private static final String FAILED_PROPERTY = "cohort.mpj.failedRank";

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
        String[] programArgs = new String[args.length - 1];
        System.arraycopy(args, 0, programArgs, 0, 3);
        System.arraycopy(args, 4, programArgs, 3, args.length - 4);
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) loader = MpjMain.class.getClassLoader();
        try {
            Class<?> c = Class.forName(mainClass, true, loader);
            Method m = c.getMethod("main", String[].class);
            m.setAccessible(true);
            m.invoke(null, (Object) programArgs);
        } catch (InvocationTargetException e) {
            fail(rank, e.getCause() != null ? e.getCause() : e);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            fail(rank, e);
        }
    }

    /** Prints the first failure of the job (ranks of the multicore device share this JVM) and ends the job. */
    private static void fail(String rank, Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        // System properties are shared by every rank's class loader: the first failing rank prints
        synchronized (System.getProperties()) {
            if (System.getProperty(FAILED_PROPERTY) == null) {
                System.setProperty(FAILED_PROPERTY, rank);
                System.out.flush();
                System.err.println("cohort: rank " + rank + " failed: " + root);
                if (Boolean.getBoolean("cohort.mpj.stackTraces")) t.printStackTrace();
                System.err.flush();
            }
        }
        try {
            mpi.MPI.COMM_WORLD.Abort(1);
        } catch (Throwable e) {
            // not initialized, or MPJ refused: exiting ends this process's ranks anyway
        }
        System.exit(1);
    }
}
