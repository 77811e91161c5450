package dev.cohort.transport.openmpi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One mpirun job for a test: java ranks with this JVM's class path, output collected in a temporary
 * file, a hard timeout after which mpirun and every process under it are killed by PID (and the
 * result says it hung).
 */
final class MpirunProcess {
    /** What a job did. */
    record Result(int exitCode, boolean timedOut, String output, Duration took) {
        String describe() {
            return (timedOut ? "HUNG (killed after the timeout)" : "exit code " + exitCode) + " after " + took.toMillis()
                    + " ms; output:\n" + output;
        }
    }

    private final Process process;
    private final Path log;
    private final long started = System.nanoTime();

    private MpirunProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static Path mpirun() {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "mpirun");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** The mpirun line for {@code np} java ranks running {@code mainAndArgs}. */
    static List<String> command(int np, List<String> jvmOptions, String... mainAndArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(mpirun().toString());
        if ("root".equals(System.getProperty("user.name"))) cmd.add("--allow-run-as-root");
        if (np > Runtime.getRuntime().availableProcessors()) cmd.add("--oversubscribe");
        cmd.add("-np");
        cmd.add(Integer.toString(np));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xss1m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        // the transport's own settings given to the test JVM (mvn -Dcohort.openmpi.native=off ...) reach the ranks
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("cohort.openmpi.")) cmd.add("-D" + name + "=" + System.getProperty(name));
        }
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(List.of(mainAndArgs));
        return cmd;
    }

    static MpirunProcess start(List<String> command) throws IOException {
        Path log = Files.createTempFile("cohort-mpirun-", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("COHORT_TRANSPORT", "openmpi");
        return new MpirunProcess(pb.start(), log);
    }

    /** The ranks' PIDs and mpirun's are what we kill: every descendant, then mpirun itself. */
    private void killAll() {
        List<ProcessHandle> all = new ArrayList<>();
        process.toHandle().descendants().forEach(all::add);
        for (ProcessHandle h : all) h.destroyForcibly();
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Process process() {
        return process;
    }

    /** The output so far. */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read the output: " + e + ")";
        }
    }

    /** Waits up to {@code timeout}; on timeout kills the job. Always deletes the log. */
    Result await(Duration timeout) throws InterruptedException {
        boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) killAll();
        String out = output();
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temp file left behind is harmless
        }
        return new Result(done ? process.exitValue() : -1, !done, out, Duration.ofNanos(System.nanoTime() - started));
    }
}
