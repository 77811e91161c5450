package dev.cohort.transport.mpj;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * An MPJ Express daemon on this machine, for jobs on the niodev cluster device: in a cluster the
 * daemons run on every node ({@code mpjboot machines}) and the starter sends them the job; here one
 * daemon on localhost takes the job's every rank, each a JVM of its own talking to the others over
 * TCP sockets.
 *
 * <p>The daemon runs from a home of its own in a temporary directory: copies of MPJ_HOME's jars (and
 * of Commons IO and Codec, which the daemon's manifest names beside them: Debian's package keeps them
 * in /usr/share/java) and a configuration whose daemon and starter ports are free ones, so that it
 * never meets a daemon someone else runs. The starter must use that home as its MPJ_HOME. The
 * daemon's environment carries {@code COHORT_MPJ_STATUS}, so that its ranks write the job's status
 * file. {@link #close} ends the daemon and every process under it, by PID.
 */
final class NiodevDaemon implements AutoCloseable {
    private static final String[] NEEDED = {"commons-io", "commons-codec"};
    private static final Path SYSTEM_JARS = Paths.get("/usr/share/java");

    private final Process process;
    private final Path home;
    private final Path machines;
    private final Path log;

    private NiodevDaemon(Process process, Path home, Path machines, Path log) {
        this.process = process;
        this.home = home;
        this.machines = machines;
        this.log = log;
    }

    /** Why a daemon cannot be made from {@code mpjHome}, or null when it can. */
    static String unavailabilityCause(Path mpjHome) {
        Path lib = mpjHome.resolve("lib");
        if (!Files.isRegularFile(lib.resolve("daemon.jar"))) return "MPJ_HOME " + mpjHome + " has no lib/daemon.jar";
        for (String name : NEEDED) {
            if (find(lib, name) == null && find(SYSTEM_JARS, name) == null) {
                return "MPJ's daemon needs " + name + ".jar (in " + lib + " or " + SYSTEM_JARS + "; on Debian: the lib"
                        + name + "-java package, which libmpj-java depends on)";
            }
        }
        return null;
    }

    /** Starts a daemon for one job; {@code status} is the job's status file. Fails when it does not come up within 30 s. */
    static NiodevDaemon start(Path mpjHome, Path dir, Path status) throws IOException, InterruptedException {
        Path home = dir.resolve("mpj-niodev-home");
        Path lib = Files.createDirectories(home.resolve("lib"));
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(mpjHome.resolve("lib"), "*.jar")) {
            // copies, not links: the JVM resolves a manifest's Class-Path beside the jar's real file
            for (Path j : jars) Files.copy(j.toRealPath(), lib.resolve(j.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
        }
        for (String name : NEEDED) {
            if (Files.isRegularFile(lib.resolve(name + ".jar"))) continue;
            Path j = find(lib, name);
            if (j == null) j = find(SYSTEM_JARS, name);
            if (j == null) throw new IllegalStateException(unavailabilityCause(mpjHome));
            Files.copy(j.toRealPath(), lib.resolve(name + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
        int[] ports = freePorts(3);
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("mpjexpress.conf"), String.join("\n",
                "mpjexpress.mpjdaemon.port.1=" + ports[0],
                "mpjexpress.mpjdaemon.port.2=" + ports[1],
                "mpjexpress.mpjrun.port.1=" + ports[2],
                "mpjexpress.mpjdaemon.loglevel=OFF",
                "mpjexpress.mpjrun.loglevel=OFF",
                "mpjexpress.mpi.loglevel=OFF",
                "mpjexpress.version=0.44",
                "mpjexpress.mpi.old.collectives=false", ""), StandardCharsets.UTF_8);
        Path machines = Files.writeString(dir.resolve("machines"), "localhost\n", StandardCharsets.UTF_8);
        Path log = dir.resolve("mpj-daemon.log");
        ProcessBuilder pb = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", lib.resolve("daemon.jar").toString(), Integer.toString(ports[0]))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("MPJ_HOME", home.toString());
        pb.environment().put(MpjMain.STATUS_ENV, status.toString());
        NiodevDaemon d = new NiodevDaemon(pb.start(), home, machines, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!listening(ports[0])) {
            if (!d.process.isAlive() || System.nanoTime() - deadline > 0) {
                String why = d.process.isAlive() ? "did not listen on port " + ports[0] + " within 30 s"
                        : "exited with " + d.process.exitValue();
                d.close();
                throw new IllegalStateException("MPJ daemon (PID " + d.process.pid() + ") " + why + "; its output:\n" + d.log());
            }
            Thread.sleep(100);
        }
        return d;
    }

    /** The MPJ_HOME the starter must use: its configuration names this daemon's port. */
    Path home() {
        return home;
    }

    /** The machines file that places every rank on this machine. */
    Path machines() {
        return machines;
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(none)";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the daemon and the ranks it started, by PID, and waits (10 s at most) for them to go. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> tree = process.descendants().collect(Collectors.toList());
        for (ProcessHandle h : tree) h.destroyForcibly();
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        for (ProcessHandle h : tree) h.onExit().completeOnTimeout(h, 10, TimeUnit.SECONDS).join();
    }

    private static Path find(Path dir, String name) {
        if (!Files.isDirectory(dir)) return null;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, name + "*.jar")) {
            for (Path p : s) if (Files.isRegularFile(p)) return p;
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> open = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                open.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : open) s.close();
        }
    }

    /**
     * True when the port is taken (the daemon listens on it): found by trying to bind it, not by
     * connecting, which the daemon would take for a starter with a job.
     */
    private static boolean listening(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port));
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
