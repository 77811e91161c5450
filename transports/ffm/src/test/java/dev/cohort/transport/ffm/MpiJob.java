package dev.cohort.transport.ffm;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs a Java main class as an MPI job (Open MPI's mpirun or MPICH's mpiexec) on this JVM's java and
 * class path, with a hard time limit: on time-out every process of the job is killed by PID. The
 * output of all ranks is kept for the failure message.
 */
final class MpiJob {
    enum Launcher { OPENMPI, MPICH }

    record Result(int exitCode, boolean timedOut, String output) {
    }

    private MpiJob() {
    }

    /** The launcher command for a family, or null when it is not installed. */
    static String launcher(Launcher which) {
        List<String> names = which == Launcher.OPENMPI ? List.of("mpirun.openmpi", "mpirun") : List.of("mpiexec.mpich", "mpiexec.hydra");
        for (String n : names) {
            String p = onPath(n);
            if (p == null) continue;
            if (n.equals("mpirun") && !versionSays(p, "Open MPI")) continue;
            return p;
        }
        return null;
    }

    /** The path of an executable on PATH, or null. */
    static String onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    private static boolean versionSays(String cmd, String what) {
        try {
            Process p = new ProcessBuilder(cmd, "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out.contains(what);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Runs the job where its launcher is installed (the calling test is skipped otherwise) and fails
     * the test, with every rank's output, when the job hung.
     */
    static Result finished(Launcher which, int np, long timeoutSeconds, String mainClass, String... args) throws Exception {
        assumeTrue(launcher(which) != null, which + " launcher not installed");
        Result r = run(which, np, timeoutSeconds, mainClass, args);
        assertThat(r.timedOut()).as("the job hung; output:%n%s", r.output()).isFalse();
        return r;
    }

    static Result run(Launcher which, int np, long timeoutSeconds, String mainClass, String... args) throws Exception {
        String launcher = launcher(which);
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher);
        if (which == Launcher.OPENMPI) {
            cmd.add("--oversubscribe");
            if ("root".equals(System.getProperty("user.name"))) cmd.add("--allow-run-as-root");
            cmd.add("-np");
        } else {
            cmd.add("-n");
        }
        cmd.add(String.valueOf(np));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Dcohort.transport=ffm");
        cmd.add("-cp");
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("cohort-ffm-job", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("OMPI_") || k.startsWith("PMI_") || k.startsWith("PMIX_") || k.startsWith("HYDRA_"));
            env.putIfAbsent("UCX_ERROR_SIGNALS", "");
            Process p = pb.start();
            boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            return new Result(done ? p.exitValue() : -1, !done, text);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
