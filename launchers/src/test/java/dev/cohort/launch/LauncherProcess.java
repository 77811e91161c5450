package dev.cohort.launch;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * Runs the cohort command (or any main) in a JVM of its own, the way bin/cohort does: the launcher
 * JVM gets the Cohort runtime only, never the test classes or the samples, which are passed as the
 * application class path. A run that takes longer than the timeout is killed by PID and fails.
 */
final class LauncherProcess {
    static final long TIMEOUT_SECONDS = 60;

    /** The outcome of a run. */
    static final class Result {
        final int exitCode;
        final String out;
        final String err;

        Result(int exitCode, String out, String err) {
            this.exitCode = exitCode;
            this.out = out;
            this.err = err;
        }

        List<String> outLines() {
            return lines(out);
        }

        List<String> errLines() {
            return lines(err);
        }

        private static List<String> lines(String s) {
            return s.isEmpty() ? List.of() : Arrays.asList(s.split("\\R"));
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private LauncherProcess() {
    }

    /** Where the test application classes are (target/test-classes). */
    static Path testClasses() {
        return locationOf(LauncherProcess.class);
    }

    /** Where the samples are (their jar, or their classes directory when the reactor did not package them). */
    static Path samples() {
        URL u = ClassLoader.getSystemResource("dev/cohort/samples/Hello.class");
        if (u == null) fail("the samples are not on the test class path");
        try {
            return locationOf(Class.forName("dev.cohort.samples.Hello"));
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static Path locationOf(Class<?> c) {
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        try {
            return Paths.get(cs.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** The test JVM's class path without the test classes and the samples: the launcher's runtime. */
    static String runtimeClassPath() {
        Path tests = testClasses();
        Path samples = samples();
        List<String> keep = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.isEmpty()) continue;
            Path p = Paths.get(e).toAbsolutePath().normalize();
            if (!p.equals(tests) && !p.equals(samples)) keep.add(p.toString());
        }
        return String.join(File.pathSeparator, keep);
    }

    /** Runs {@code cohort ARGS} with the samples as the bundled applications. */
    static Result cohort(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("-D" + AppClassPath.BUNDLED_PROPERTY + "=" + samples());
        cmd.add(CohortMain.class.getName());
        cmd.addAll(Arrays.asList(args));
        return java(runtimeClassPath(), cmd);
    }

    /** Runs {@code cohort ARGS} in directory {@code dir} with extra environment variables (null values remove one). */
    static Result cohortIn(Path dir, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("-D" + AppClassPath.BUNDLED_PROPERTY + "=" + samples());
        cmd.add(CohortMain.class.getName());
        cmd.addAll(Arrays.asList(args));
        return java(runtimeClassPath(), cmd, dir, env);
    }

    /** Runs {@code java -cp CLASSPATH ARGS} with a hard timeout. */
    static Result java(String classPath, List<String> args) {
        return java(classPath, args, null, Map.of());
    }

    /** Runs {@code java -cp CLASSPATH ARGS} in {@code dir} (null: this one) with extra environment and a hard timeout. */
    static Result java(String classPath, List<String> args, Path dir, Map<String, String> env) {
        Path javaExe = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExe.toString());
        cmd.add("-Xshare:auto");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.addAll(args);
        Path out = null;
        Path err = null;
        Process p = null;
        try {
            out = Files.createTempFile("cohort-test", ".out");
            err = Files.createTempFile("cohort-test", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove("CLASSPATH");
            pb.environment().remove("COHORT_TRANSPORT");
            if (dir != null) pb.directory(dir.toFile());
            env.forEach((k, v) -> {
                if (v == null) pb.environment().remove(k);
                else pb.environment().put(k, v);
            });
            p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                long pid = p.pid();
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                fail("timed out after " + TIMEOUT_SECONDS + " s and killed (pid " + pid + "): " + cmd
                        + "\n--- stdout\n" + Files.readString(out) + "--- stderr\n" + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (p != null) p.destroyForcibly();
            throw new AssertionError("interrupted while running " + cmd, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a temporary file left behind
        }
    }
}
