package dev.cohort.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code cohort run --transport mpj}: starts the job with MPJ Express's starter,
 *
 * <pre>
 * java -jar $MPJ_HOME/lib/starter.jar -np N -dev multicore [JVM-OPTS] -cp RUNTIME:APP dev.cohort.transport.mpj.MpjMain MAIN ARGS...
 * </pre>
 *
 * (the starter hands options it does not know to the JVM that runs the ranks: {@code --jvm-opt}s go there),
 * where RUNTIME is this launcher's own class path (mpi-core, kryo, the collectives, transport-mpj) and
 * APP the application class path; MPJ adds its own jars. The multicore device runs the ranks as threads
 * of one JVM with a class loader each. MPJ_HOME comes from -Dcohort.mpj.home (bin/cohort sets it from
 * bin/lib/mpj.sh), else the environment. Only the multicore device: a niodev job's ranks are started by
 * MPJ's daemons, whose environment the status file's name does not reach, so its end could not be
 * told from a failure (README.md says how to run one with MPJ's own tools).
 *
 * <p>MPJ's starter always exits with 0, so {@code MpjMain} records each rank's end in a status file
 * and the exit status comes from there: 0 when every rank's main returned, else 1; the first failing
 * rank's report comes through a file beside it and goes to standard error (the starter merges the
 * ranks' standard error into its standard output). MPJ's banner line ("MPJ Express (0.44) is started
 * in the multicore configuration") is left out of the output.
 */
final class MpjJobRunner {
    static final String HOME_PROPERTY = "cohort.mpj.home";
    private static final String WRAPPER = "dev.cohort.transport.mpj.MpjMain";
    private static final String STATUS_ENV = "COHORT_MPJ_STATUS";

    private final int np;
    private final ApplicationMain main;
    private final AppClassPath classPath;
    private final String[] args;
    private final List<String> jvmOpts;

    MpjJobRunner(int np, ApplicationMain main, AppClassPath classPath, String[] args, List<String> jvmOpts) {
        this.np = np;
        this.main = main;
        this.classPath = classPath;
        this.args = args.clone();
        this.jvmOpts = List.copyOf(jvmOpts);
    }

    /** MPJ_HOME with lib/starter.jar, or a UsageException saying how to get one. */
    static Path home() {
        String h = System.getProperty(HOME_PROPERTY);
        if (h == null || h.isBlank()) h = System.getenv("MPJ_HOME");
        if (h == null || h.isBlank()) {
            throw new UsageException("transport mpj is not available: MPJ_HOME is not set (bin/cohort finds or makes one "
                    + "when Debian's libmpj-java is installed)");
        }
        Path home = Paths.get(h);
        if (!Files.isRegularFile(home.resolve("lib").resolve("starter.jar"))) {
            throw new UsageException("transport mpj is not available: MPJ_HOME " + home + " has no lib/starter.jar");
        }
        return home;
    }

    /** The command that starts the job. */
    List<String> command(Path home, String runtimeClassPath) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(home.resolve("lib").resolve("starter.jar").toString());
        cmd.add("-np");
        cmd.add(Integer.toString(np));
        cmd.add("-dev");
        cmd.add("multicore");
        cmd.addAll(jvmOpts);
        cmd.add("-cp");
        cmd.add(AppClassPath.join(List.of(runtimeClassPath, classPath.toString())));
        cmd.add(WRAPPER);
        cmd.add(main.className());
        for (String a : args) cmd.add(a);
        return cmd;
    }

    /** Runs the job; returns the exit code. Launcher messages go to {@code err}. */
    int run(PrintWriter err) {
        Path home = home();
        Path status;
        try {
            status = Files.createTempFile("cohort-mpj-", ".status");
        } catch (IOException e) {
            err.println("cohort: cannot make the MPJ job's status file: " + e);
            err.flush();
            return ExitCode.FAILED;
        }
        ProcessBuilder pb = new ProcessBuilder(command(home, withoutOpenMpi(System.getProperty("java.class.path"))));
        pb.environment().put("MPJ_HOME", home.toString());
        pb.environment().put(STATUS_ENV, status.toString());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            err.println("cohort: cannot start MPJ Express's starter: " + e.getMessage());
            err.flush();
            return ExitCode.FAILED;
        }
        // Ctrl-C or a kill of the launcher ends the job too (the starter runs the ranks in a JVM of its own).
        Thread reaper = new Thread(() -> destroyTree(p));
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            copyOutput(p, System.out);
            p.waitFor();
            Path report = Paths.get(status + ".report");
            if (Files.exists(report)) {
                err.print(Files.readString(report));
                err.flush();
            }
            return verdict(status, err);
        } catch (IOException e) {
            err.println("cohort: cannot read the MPJ job's failure report: " + e);
            err.flush();
            return verdict(status, err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroyTree(p);
            return ExitCode.FAILED;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs
            }
            try {
                Files.deleteIfExists(status);
                Files.deleteIfExists(Paths.get(status + ".report"));
            } catch (IOException e) {
                // a temp file left behind
            }
        }
    }

    /** Copies the job's standard output line by line, without MPJ's banner. */
    private static void copyOutput(Process p, PrintStream out) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), Charset.defaultCharset()))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("MPJ Express (") && line.contains(") is started in the ")) continue;
                out.println(line);
                out.flush();
            }
        } catch (IOException e) {
            // the job ended its output
        }
    }

    /** 0 when every rank's main returned; else 1, saying which ranks did not finish unless one reported its failure. */
    private int verdict(Path status, PrintWriter err) {
        List<String> lines;
        try {
            lines = Files.readAllLines(status);
        } catch (IOException e) {
            lines = List.of();
        }
        TreeSet<Integer> done = new TreeSet<>();
        boolean failed = false;
        for (String l : lines) {
            String[] w = l.trim().split(" ");
            if (w.length != 2) continue;
            try {
                if (w[0].equals("done")) done.add(Integer.parseInt(w[1]));
                else if (w[0].equals("failed")) failed = true;
            } catch (NumberFormatException e) {
                // ignore a malformed line
            }
        }
        if (!failed && done.size() == np) return ExitCode.OK;
        if (!failed) {
            TreeSet<Integer> missing = new TreeSet<>();
            for (int r = 0; r < np; r++) if (!done.contains(r)) missing.add(r);
            err.println("cohort: the MPJ job ended before rank" + (missing.size() == 1 ? " " : "s ") + missing
                    + " returned from main (System.exit, or the JVM died)");
            err.flush();
        }
        return ExitCode.FAILED;
    }

    /** Ends the starter and every process it started. */
    static void destroyTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /**
     * The class path without Open MPI's mpi.jar: it has an mpi.MPI class of its own, which would shadow
     * MPJ Express's in the ranks.
     */
    static String withoutOpenMpi(String classPath) {
        java.util.List<String> keep = new java.util.ArrayList<>();
        for (String e : classPath.split(java.io.File.pathSeparator)) {
            String name = java.nio.file.Path.of(e).getFileName() == null ? e : java.nio.file.Path.of(e).getFileName().toString();
            if (!name.equals("mpi.jar") && !name.startsWith("transport-openmpi-")) keep.add(e);
        }
        return String.join(java.io.File.pathSeparator, keep);
    }
}
