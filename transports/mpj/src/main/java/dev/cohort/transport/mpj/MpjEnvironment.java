package dev.cohort.transport.mpj;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What MPJ Express looks like from inside a rank: how its starter is recognised, the arguments it puts
 * in front of the program's, where it is installed and which version it is.
 *
 * <p>MPJ's starter calls the program's main with three arguments of its own first: the rank, then
 * the number of ranks (multicore device) or the path of the job's configuration file (niodev, hybdev),
 * then the device name. The multicore device runs each rank as a thread named after its rank in a
 * thread group of class {@code xdev.smpdev.SMPDevProcess}, from {@code runtime.starter.MulticoreStarter};
 * the cluster devices run main from a {@code runtime.daemon.Wrapper} thread.
 */
final class MpjEnvironment {
    /** Device names MPJ passes as the third argument. */
    static final Set<String> DEVICES = Set.of("smpdev", "multicore", "niodev", "hybdev", "mxdev", "native");
    private static final Set<String> STARTER_CLASSES = Set.of(
            "runtime.starter.MulticoreStarter", "runtime.starter.MulticoreStarter$1",
            "runtime.daemon.Wrapper", "runtime.daemon.HybridStarter", "runtime.daemon.HybridStarter$1",
            "runtime.daemon.MultithreadStarter", "runtime.daemon.MultithreadStarter$1");

    /**
     * MPJ's three arguments for the rank whose main {@link MpjMain} called with the program's arguments
     * only; inherited by the threads the rank starts. A thread-local, not a static value, so that it
     * stays per rank even if this class were shared by the ranks of a multicore job.
     */
    static final InheritableThreadLocal<String[]> LAUNCHER_ARGS = new InheritableThreadLocal<>();

    private MpjEnvironment() {
    }

    /**
     * The arguments for MPI.Init: {@code args} when they start with MPJ's three, else MPJ's three that
     * MpjMain kept for this rank followed by {@code args}; null when there are none.
     */
    static String[] initArgs(String[] args) {
        if (hasLauncherPrefix(args)) return args;
        String[] prefix = LAUNCHER_ARGS.get();
        if (prefix == null) return null;
        String[] rest = args == null ? new String[0] : args;
        String[] all = Arrays.copyOf(prefix, prefix.length + rest.length);
        System.arraycopy(rest, 0, all, prefix.length, rest.length);
        return all;
    }

    /** True when the calling thread runs a program started by MPJ Express's starter or daemon. */
    static boolean startedByMpj() {
        Thread t = Thread.currentThread();
        if (t.getClass().getName().startsWith("runtime.daemon.")) return true;
        ThreadGroup g = t.getThreadGroup();
        for (; g != null; g = g.getParent()) {
            if (g.getClass().getName().startsWith("xdev.")) return true;
        }
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> STARTER_CLASSES.contains(f.getClassName())));
    }

    /** True when {@code args} begins with the three arguments MPJ's starter adds. */
    static boolean hasLauncherPrefix(String[] args) {
        if (args == null || args.length < 3) return false;
        try {
            Integer.parseInt(args[0].trim());
        } catch (NumberFormatException e) {
            return false;
        }
        return DEVICES.contains(args[2]);
    }

    /** The device named in the launcher's arguments. */
    static String device(String[] args) {
        return args[2];
    }

    /** The program's arguments: those after MPJ's three. */
    static String[] programArgs(String[] args) {
        return Arrays.copyOfRange(args, 3, args.length);
    }

    /** MPJ_HOME: the system property mpj.home, else the environment variable, else null. */
    static Path home() {
        String h = System.getProperty("mpj.home");
        if (h == null || h.isBlank()) h = System.getenv("MPJ_HOME");
        if (h == null || h.isBlank()) return null;
        return Paths.get(h);
    }

    /** The jar (or directory) that class {@code c} was loaded from, or null. */
    static Path location(Class<?> c) {
        try {
            CodeSource cs = c.getProtectionDomain().getCodeSource();
            if (cs == null || cs.getLocation() == null) return null;
            return Paths.get(cs.getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** The installation a jar in its lib/ directory belongs to, or null. */
    private static Path homeOf(Path jar) {
        return jar != null && jar.getParent() != null ? jar.getParent().getParent() : null;
    }

    private static final Pattern JAR_VERSION = Pattern.compile("mpj-([0-9][0-9A-Za-z.+~-]*)\\.jar");

    /**
     * MPJ Express's version: mpjexpress.version from its conf/mpjexpress.conf (beside the lib/ that mpj.jar
     * came from, else under MPJ_HOME), else from a versioned jar name (mpj-0.44.jar), else null.
     */
    static String version(Class<?> mpiClass) {
        Path jar = location(mpiClass);
        Path real = null;
        if (jar != null) {
            try {
                real = jar.toRealPath();
            } catch (IOException e) {
                real = jar;
            }
        }
        for (Path home : new Path[]{homeOf(jar), homeOf(real), home()}) {
            if (home == null) continue;
            Path conf = home.resolve("conf").resolve("mpjexpress.conf");
            if (Files.isRegularFile(conf)) {
                Properties p = new Properties();
                try (InputStream in = Files.newInputStream(conf)) {
                    p.load(in);
                    String v = p.getProperty("mpjexpress.version");
                    if (v != null && !v.isBlank()) return v.trim();
                } catch (IOException | IllegalArgumentException e) {
                    // fall through to the jar name
                }
            }
        }
        for (Path p : new Path[]{jar, real}) {
            if (p == null || p.getFileName() == null) continue;
            Matcher m = JAR_VERSION.matcher(p.getFileName().toString());
            if (m.matches()) return m.group(1);
        }
        return null;
    }
}
