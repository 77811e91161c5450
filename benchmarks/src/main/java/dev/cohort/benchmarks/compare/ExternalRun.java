package dev.cohort.benchmarks.compare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One external program run with a time limit: stdout is collected line by line (and handed to a
 * listener as it comes), stderr goes to a log file. On time-out the process and every descendant
 * (mpirun's ranks, MPJ's JVM) are killed by PID.
 */
final class ExternalRun {
    /** How a run ended. */
    static final class Result {
        final int exitCode;
        final boolean timedOut;
        final List<String> lines;
        final String failure;
        final double seconds;

        Result(int exitCode, boolean timedOut, List<String> lines, String failure, double seconds) {
            this.exitCode = exitCode;
            this.timedOut = timedOut;
            this.lines = Collections.unmodifiableList(lines);
            this.failure = failure;
            this.seconds = seconds;
        }

        boolean ok() {
            return failure == null && !timedOut && exitCode == 0;
        }

        /** Why the run failed, for the report, or null. */
        String problem(List<String> command, Path log) {
            if (ok()) return null;
            String what = failure != null ? "could not start: " + failure
                    : timedOut ? String.format(java.util.Locale.ROOT, "timed out after %.0f s and was killed", seconds)
                    : "exit code " + exitCode;
            return String.join(" ", command) + ": " + what + (log != null ? " (stderr " + log.getFileName() + firstError(log) + ")" : "");
        }
    }

    /** ": " and the first line of the log that is not a JVM warning, cut to 240 characters; or "". */
    static String firstError(Path log) {
        try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("WARNING:") && !l.startsWith("compare:"))
                    .findFirst()
                    .map(l -> ": " + (l.length() > 240 ? l.substring(0, 240) + "..." : l))
                    .orElse("");
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }

    private ExternalRun() {
    }

    static Result run(List<String> command, Path dir, Map<String, String> env, long timeoutSeconds, Path stderrLog,
                      Consumer<String> onLine) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (dir != null) pb.directory(dir.toFile());
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectError(stderrLog != null ? ProcessBuilder.Redirect.appendTo(stderrLog.toFile()) : ProcessBuilder.Redirect.DISCARD);
        long t0 = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(-1, false, List.of(), e.getMessage(), 0);
        }
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                    if (onLine != null) onLine.accept(line);
                }
            } catch (IOException e) {
                // the process was killed
            }
        }, "compare-stdout-" + p.pid());
        reader.setDaemon(true);
        reader.start();
        boolean finished;
        try {
            finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) kill(p.toHandle());
        try {
            reader.join(5_000);
            if (!finished) p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int code = p.isAlive() ? -1 : p.exitValue();
        return new Result(code, !finished, new ArrayList<>(lines), null, seconds);
    }

    /** Kills the process and all its descendants by PID, children first collected before any dies. */
    static void kill(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>();
        root.descendants().forEach(all::add);
        all.add(0, root);
        for (ProcessHandle h : all) h.destroyForcibly();
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // still going after SIGKILL: nothing more to do from here
            }
        }
    }
}
