package dev.cohort.launch;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code cohort run --transport openmpi}: starts the ranks as processes under Open MPI's mpirun,
 * each running {@link RankMain} with the program's main class:
 *
 * <pre>mpirun [--allow-run-as-root] [--oversubscribe] -np N -x COHORT_TRANSPORT=openmpi [MPIRUN_OPTS]
 *     JAVA -XX:ObjectAlignmentInBytes=32 [-XX:+UseTransparentHugePages] [OPTS] -Djava.library.path=LIBDIR:... -cp RUNTIME:APP dev.cohort.launch.RankMain MAIN ARGS</pre>
 *
 * The runtime class path is this JVM's (bin/cohort puts mpi.jar on it); LIBDIR is where libmpi_java
 * lives ($COHORT_OMPI_LIBDIR, else {@code ompi_info --path libdir}). --allow-run-as-root is passed
 * only when running as root, --oversubscribe only when N exceeds the processors. The JVM options of
 * {@link RankJvmOptions} (32-byte object alignment; huge pages where the kernel gives them on request)
 * come before OPTS, so that {@code --jvm-opt} can turn them off. MPIRUN_OPTS are the user's
 * {@code --mpirun-opt}s, after Cohort's own, so that mpirun's last word on an option is the user's.
 */
final class MpirunJob {
    private final int np;
    private final ApplicationMain main;
    private final AppClassPath classPath;
    private final String[] args;
    private final List<String> jvmOpts;
    private final List<String> mpirunOpts;
    private final boolean tagOutput;

    MpirunJob(int np, ApplicationMain main, AppClassPath classPath, String[] args, List<String> jvmOpts,
              List<String> mpirunOpts, boolean tagOutput) {
        this.np = np;
        this.main = main;
        this.classPath = classPath;
        this.args = args;
        this.jvmOpts = jvmOpts;
        this.mpirunOpts = mpirunOpts;
        this.tagOutput = tagOutput;
    }

    /** The mpirun command line; {@code thpMode} is the kernel's transparent-huge-pages setting (null: unknown). */
    List<String> command(String mpirun, boolean root, int processors, String libDir, String thpMode) {
        List<String> cmd = new ArrayList<>();
        cmd.add(mpirun);
        if (root) cmd.add("--allow-run-as-root");
        if (np > processors) cmd.add("--oversubscribe");
        if (tagOutput) cmd.add("--tag-output");
        cmd.add("-np");
        cmd.add(Integer.toString(np));
        cmd.add("-x");
        cmd.add("COHORT_TRANSPORT=openmpi");
        cmd.addAll(mpirunOpts);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The class path first: when the program is java, Open MPI's mpirun takes the argument after
        // the first one that contains "cp" or "classpath" anywhere (-Dinput=cpu.csv) for the class
        // path and rewrites it, and java then fails on a main class that is not one.
        cmd.add("-cp");
        cmd.add(AppClassPath.join(List.of(System.getProperty("java.class.path", ""), classPath.toString())));
        cmd.addAll(RankJvmOptions.forMpi(thpMode));
        cmd.addAll(jvmOpts);
        String libPath = System.getProperty("java.library.path", "");
        if (libDir != null && !libDir.isEmpty()) libPath = libPath.isEmpty() ? libDir : libDir + File.pathSeparator + libPath;
        if (!libPath.isEmpty()) cmd.add("-Djava.library.path=" + libPath);
        cmd.add(RankMain.class.getName());
        cmd.add(main.className());
        for (String a : args) cmd.add(a);
        return cmd;
    }

    /** Runs the job; returns 0 when every rank finished, 1 otherwise. */
    int run(PrintWriter err) {
        Path mpirun = InfoCommand.onPath("mpirun", System.getenv("PATH"));
        if (mpirun == null) {
            throw new UsageException("transport openmpi needs Open MPI's mpirun on PATH (Debian: apt-get install openmpi-bin)");
        }
        List<String> cmd = command(mpirun.toString(), "root".equals(System.getProperty("user.name")),
                Runtime.getRuntime().availableProcessors(), libDir(), RankJvmOptions.thpModeHere());
        if (Boolean.getBoolean("cohort.launch.verbose")) err.println("cohort run: " + String.join(" ", cmd));
        err.flush();
        Process p;
        try {
            p = new ProcessBuilder(cmd).inheritIO().start();
        } catch (IOException e) {
            throw new UsageException("cannot start mpirun: " + e.getMessage());
        }
        Thread stopper = new Thread(() -> stop(p), "cohort-stop-mpirun");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            int code = p.waitFor();
            return code == 0 ? ExitCode.OK : ExitCode.FAILED;
        } catch (InterruptedException e) {
            stop(p);
            Thread.currentThread().interrupt();
            return ExitCode.FAILED;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs
            }
        }
    }

    /** Ends mpirun (which ends the ranks): politely first, then by force. */
    private static void stop(Process p) {
        if (!p.isAlive()) return;
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** libmpi_java's directory: $COHORT_OMPI_LIBDIR, else what ompi_info reports, else null. */
    static String libDir() {
        String env = System.getenv("COHORT_OMPI_LIBDIR");
        if (env != null && !env.isBlank()) return env;
        Path ompiInfo = InfoCommand.onPath("ompi_info", System.getenv("PATH"));
        if (ompiInfo == null) return null;
        try {
            Process p = new ProcessBuilder(ompiInfo.toString(), "--path", "libdir").redirectErrorStream(true).start();
            String dir = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    int i = line.indexOf("Libdir:");
                    if (i >= 0) dir = line.substring(i + "Libdir:".length()).trim();
                }
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
            return dir;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
