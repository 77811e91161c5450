package dev.cohort.transport.mpj;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.fail;

/**
 * Starts a job with MPJ Express's starter in the multicore device, as {@code cohort run --transport mpj}
 * does: {@code java -jar $MPJ_HOME/lib/starter.jar -np N -dev multicore -cp CP MpjMain MAIN ARGS}, or
 * in the niodev cluster device through a daemon on this machine ({@link NiodevDaemon}). The
 * class path is this module's classes and its test class path (mpi-core, kryo, collectives,
 * conformance, samples, AssertJ); MPJ adds its own jars. Output goes to a file in a temporary
 * directory; past the hard timeout the starter and every process under it (and a niodev daemon with
 * the ranks it started) are killed by PID and the test fails with what the ranks printed.
 */
final class MpjJob {
    private static final String BANNER = ") is started in the ";

    /**
     * What a finished job left: its output (without MPJ's banner), which ranks returned from main or
     * failed, and the first failure's report (MpjMain writes it beside the status file), or null.
     */
    record Result(List<String> lines, List<Integer> done, List<Integer> failed, String output, String report) {
        boolean allDone(int np) {
            return failed.isEmpty() && done.size() == np;
        }
    }

    private MpjJob() {
    }

    /** MPJ_HOME: -Dcohort.mpj.home, else $MPJ_HOME, else the home whose lib/mpj.jar the build compiled against. */
    static Path home() {
        String h = System.getProperty("cohort.mpj.home");
        if (h == null || h.isBlank()) h = System.getenv("MPJ_HOME");
        if (h != null && !h.isBlank() && Files.isRegularFile(Paths.get(h, "lib", "starter.jar"))) return Paths.get(h);
        String jar = System.getProperty("cohort.mpj.jar");
        if (jar != null) {
            try {
                Path lib = Paths.get(jar).toRealPath().getParent();
                if (lib != null && Files.isRegularFile(lib.resolve("starter.jar"))) return lib.getParent();
            } catch (IOException e) {
                // no such jar
            }
        }
        return null;
    }

    /** The ranks' class path: this module's classes and its test class path, without mpj.jar (MPJ adds its own). */
    static String classPath() throws IOException {
        List<String> parts = new ArrayList<>();
        Path classes = Paths.get("target", "classes").toAbsolutePath();
        Path testClasses = Paths.get("target", "test-classes").toAbsolutePath();
        parts.add(classes.toString());
        parts.add(testClasses.toString());
        String file = System.getProperty("cohort.test.classpath.file");
        if (file == null) throw new IllegalStateException("-Dcohort.test.classpath.file is not set (run from Maven)");
        String jarName = Paths.get(System.getProperty("cohort.mpj.jar", "mpj.jar")).getFileName().toString();
        for (String e : Files.readString(Paths.get(file)).trim().split(File.pathSeparator)) {
            if (e.isEmpty() || Paths.get(e).getFileName().toString().equals(jarName)) continue;
            parts.add(e);
        }
        return String.join(File.pathSeparator, parts);
    }

    /** Runs {@code mainClass} on {@code np} ranks of the multicore device and waits at most {@code timeout}. */
    static Result run(Path home, Path dir, int np, Duration timeout, String mainClass, String... args) throws Exception {
        return run("multicore", home, dir, np, timeout, mainClass, args);
    }

    /**
     * Runs {@code mainClass} on {@code np} ranks of {@code device} (multicore, or niodev with a
     * {@link NiodevDaemon} of the job's own on this machine) and waits at most {@code timeout}.
     */
    static Result run(String device, Path home, Path dir, int np, Duration timeout, String mainClass, String... args)
            throws Exception {
        return run(device, List.of(), home, dir, np, timeout, mainClass, args);
    }

    /** As above, with options for the JVM the ranks run in (MPJ's starter hands on what it does not know). */
    static Result run(String device, List<String> jvmOpts, Path home, Path dir, int np, Duration timeout, String mainClass,
                      String... args) throws Exception {
        Path out = dir.resolve("job-" + np + ".out");
        Path status = dir.resolve("job-" + np + ".status");
        NiodevDaemon daemon = device.equals("niodev") ? NiodevDaemon.start(home, dir, status) : null;
        try {
            List<String> cmd = new ArrayList<>(List.of(
                    Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", home.resolve("lib").resolve("starter.jar").toString(),
                    "-np", Integer.toString(np), "-dev", device));
            if (daemon != null) cmd.addAll(List.of("-machinesfile", daemon.machines().toString()));
            cmd.addAll(jvmOpts);
            cmd.addAll(List.of("-cp", classPath(), MpjMain.class.getName(), mainClass));
            cmd.addAll(Arrays.asList(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.environment().put("MPJ_HOME", (daemon != null ? daemon.home() : home).toString());
            pb.environment().put(MpjMain.STATUS_ENV, status.toString());
            Process p = pb.start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                List<ProcessHandle> tree = p.descendants().collect(Collectors.toList());
                for (ProcessHandle h : tree) h.destroyForcibly();
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                fail("MPJ job " + mainClass + " on " + np + " ranks (" + device + ") did not finish within " + timeout
                        + "; killed PIDs " + p.pid() + " " + tree.stream().map(h -> Long.toString(h.pid())).collect(Collectors.joining(" "))
                        + (daemon != null ? " and the daemon's ranks" : "") + ". Output:\n" + read(out)
                        + (daemon != null ? "\nDaemon's output:\n" + daemon.log() : ""));
            }
        } finally {
            if (daemon != null) daemon.close();
        }
        String text = read(out);
        List<String> lines = text.lines().filter(l -> !(l.startsWith("MPJ Express (") && l.contains(BANNER)))
                .collect(Collectors.toList());
        List<Integer> done = new ArrayList<>(), failed = new ArrayList<>();
        if (Files.exists(status)) {
            for (String l : Files.readAllLines(status)) {
                String[] w = l.trim().split(" ");
                if (w.length == 2 && w[0].equals("done")) done.add(Integer.parseInt(w[1]));
                if (w.length == 2 && w[0].equals("failed")) failed.add(Integer.parseInt(w[1]));
            }
        }
        Path report = Paths.get(status + ".report");
        return new Result(lines, done, failed, text, Files.exists(report) ? read(report) : null);
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "(no output)";
    }
}
