package dev.cohort.benchmarks.compare;

import dev.cohort.Cohort;
import dev.cohort.benchmarks.compare.SystemResult.Metric;
import dev.cohort.spi.CacheDir;
import dev.cohort.spi.TransportProvider;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code BenchMain compare [--quick] [--out DIR] [--timeout SECONDS]} ({@code cohort bench compare}):
 * in one run on this machine, measures small reference programs (C over Open MPI, Open MPI's own
 * Java bindings, MPJ Express, mpi4py; their sources ship in this jar and are compiled into a cache)
 * and every available Cohort transport through BenchMain's kv output, and runs the paired latency
 * tools of the transports that have one; then prints a table with ratios and writes a Markdown report
 * and two PNG plots into DIR (default ./results).
 *
 * <p>Every external run has a time limit and is killed with its descendants by PID when it passes.
 * A peer that cannot be measured is listed as missing with the reason.
 */
public final class Compare {
    static final String USAGE = "Usage: BenchMain compare [--quick] [--rounds N] [--only SYSTEMS] [--mpi openmpi|mpich] [--out DIR]\n"
            + "                         [--timeout SECONDS]\n"
            + "  --quick            fewer iterations (under 10 minutes on a busy 2-core machine)\n"
            + "  --rounds N         measure every system N times, interleaved (default 1): figures are the medians\n"
            + "                     over the rounds, ratios the medians of the ratios taken round by round, with\n"
            + "                     their range; the way to judge a ratio on a machine whose speed drifts\n"
            + "  --only SYSTEMS     measure only these, comma-separated: c, ompi (both variants), ompi-heap,\n"
            + "                     ompi-direct, mpj, mpi4py, cohort (every transport), cohort-local, cohort-openmpi,\n"
            + "                     cohort-mpj, cohort-ffm\n"
            + "  --mpi LIBRARY      the C MPI library of the C reference and the ffm transport: openmpi (default) or\n"
            + "                     mpich (MPICH's mpicc.mpich and mpiexec.hydra; the Open MPI bindings, mpi4py and\n"
            + "                     the openmpi transport are then left out)\n"
            + "  --out DIR          where compare.md, latency.png, bandwidth.png, raw.txt and logs/ go (default results)\n"
            + "  --timeout SECONDS  limit for each external run (default 180 with --quick, else 900)\n"
            + "Environment: COHORT_OMPI_JAR (Open MPI's mpi.jar), MPJ_HOME, COHORT_PYTHON, COHORT_CACHE (default\n"
            + "$XDG_CACHE_HOME/cohort or ~/.cache/cohort; the compiled references go to its compare/ folder).";
    private static final String RESOURCES = "/dev/cohort/benchmarks/compare/reference/";
    private static final String BENCH_MAIN = "dev.cohort.benchmarks.BenchMain";
    private static final List<String> NATIVE_TRANSPORTS = List.of("openmpi", "mpj", "ffm");
    /**
     * The paired latency tools of the transports that have one: each times Cohort against its reference
     * in alternating blocks of the same two processes (see {@link dev.cohort.testing.PairedTiming}).
     */
    private static final String OMPI_PAIRED = "dev.cohort.transport.openmpi.PairedLatency",
            FFM_PAIRED = "dev.cohort.transport.ffm.PairedLatency";
    /** A paired run: 8-byte messages, 100 Cohort blocks between 101 reference blocks of 5,000 round trips. */
    static final List<String> PAIRED_ARGS = List.of("8", "100", "5000");

    /** Every system id the comparison knows, for checking --only. */
    static final List<String> SYSTEM_IDS = List.of("c", "ompi-heap", "ompi-direct", "mpj", "mpi4py", "cohort-local",
            "cohort-openmpi", "cohort-mpj", "cohort-ffm");

    private final boolean quick;
    /** "openmpi" or "mpich": the library of the C reference and the ffm transport. */
    private final String mpi;
    /** That library's compiler wrapper, and its launcher with two ranks: found on PATH once, null when missing. */
    private final String mpicc;
    private final List<String> mpirun;
    private final int rounds;
    private final List<String> only;
    private final Path out;
    private final long timeout;
    private final PrintStream log;
    private final int pingSmall;
    private final int pingLarge;
    private final int reduceSmall;
    private final int reduceLarge;
    private final List<String> raw = new ArrayList<>();
    private final List<String> commands = new ArrayList<>();
    private Path work;
    /** The stderr log of the latest run, named in its problem line. */
    private Path lastErr;
    private int logCount;

    private Compare(boolean quick, String mpi, int rounds, List<String> only, Path out, long timeout, PrintStream log) {
        this.quick = quick;
        this.mpi = mpi;
        this.mpicc = findMpicc(mpi);
        this.mpirun = findMpirun(mpi);
        this.rounds = rounds;
        this.only = only;
        this.out = out;
        this.timeout = timeout;
        this.log = log;
        this.pingSmall = 10000;   // also in --quick: a short row of small messages is one OS hiccup away from 10x
        // 50 round trips of 4 MiB are about 50 ms: one hiccup moved a --quick bandwidth by 3x
        this.pingLarge = quick ? 200 : 1000;
        // 10,000 calls of about a microsecond are 10 ms: a scheduler hiccup of a few ms on a 2-core machine
        // decided the row (a 2-rank allreduce read 0.6 or 3.4 us from one run to the next)
        this.reduceSmall = 100_000;
        this.reduceLarge = quick ? 50 : 100;
    }

    /** Runs the comparison; 0 when the report was written, 2 for a usage error, 1 when writing failed. */
    public static int run(String[] args, PrintStream stdout, PrintStream stderr) {
        boolean quick = false;
        int rounds = 1;
        String mpi = "openmpi";
        List<String> only = List.of();
        Path out = Paths.get("results");
        Long timeout = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick": quick = true; break;
                    case "--out": out = Paths.get(value(args, ++i, "--out")); break;
                    case "--rounds": rounds = Integer.parseInt(value(args, ++i, "--rounds")); break;
                    case "--only": only = selection(value(args, ++i, "--only")); break;
                    case "--mpi":
                        mpi = value(args, ++i, "--mpi");
                        if (!mpi.equals("openmpi") && !mpi.equals("mpich")) throw new IllegalArgumentException("--mpi must be openmpi or mpich, not '" + mpi + "'");
                        break;
                    case "--timeout": timeout = Long.parseLong(value(args, ++i, "--timeout")); break;
                    case "-h": case "--help": stdout.println(USAGE); return 0;
                    default: throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                }
            }
            if (timeout != null && timeout <= 0) throw new IllegalArgumentException("--timeout must be positive");
            if (rounds < 1) throw new IllegalArgumentException("--rounds must be at least 1");
        } catch (IllegalArgumentException e) {
            stderr.println("BenchMain compare: " + e.getMessage());
            stderr.println(USAGE);
            return 2;
        }
        // the plots are drawn off screen; without this a launcher JVM on a desktop would open a display
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        Compare c = new Compare(quick, mpi, rounds, only, out, timeout != null ? timeout : quick ? 180 : 900, stderr);
        try {
            List<List<SystemResult>> byRound = c.measure();
            CompareReport report = CompareReport.ofRounds(byRound, c.context());
            report.write(out);
            Files.write(out.resolve("raw.txt"), c.raw, StandardCharsets.UTF_8);
            Files.write(out.resolve("commands.txt"), c.commands, StandardCharsets.UTF_8);
            stdout.println();
            stdout.print(report.table());
            stdout.println();
            stdout.println("Report: " + out.resolve(CompareReport.MARKDOWN) + ", plots: " + out.resolve(CompareReport.LATENCY_PNG)
                    + ", " + out.resolve(CompareReport.BANDWIDTH_PNG) + ", result lines: " + out.resolve("raw.txt"));
            stdout.flush();
            return 0;
        } catch (IOException e) {
            stderr.println("BenchMain compare: cannot write the report into " + out + ": " + e);
            return 1;
        }
    }

    /** The --only list, each word checked: an exact system id, or a prefix of ids before a '-' (ompi, cohort). */
    static List<String> selection(String list) {
        List<String> words = new ArrayList<>();
        for (String w : list.split(",")) {
            String t = w.trim();
            if (t.isEmpty()) continue;
            if (SYSTEM_IDS.stream().noneMatch(id -> selects(t, id))) {
                throw new IllegalArgumentException("--only: unknown system '" + t + "' (known: " + String.join(", ", SYSTEM_IDS)
                        + ", and ompi or cohort for all of theirs)");
            }
            words.add(t);
        }
        if (words.isEmpty()) throw new IllegalArgumentException("--only needs at least one system");
        return words;
    }

    private static boolean selects(String word, String id) {
        return id.equals(word) || id.startsWith(word + "-");
    }

    /** True when --only was not given or names this system. */
    private boolean selected(String id) {
        return only.isEmpty() || only.stream().anyMatch(w -> selects(w, id));
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    private final Instant started = Instant.now();
    private String loadAtStart = loadAverage();

    private List<String> context() {
        List<String> c = new ArrayList<>();
        c.add("Run " + started.truncatedTo(ChronoUnit.SECONDS) + " to " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + (quick ? ", --quick (fewer iterations: " : ", full (iterations: ") + "ping-pong " + pingSmall + " up to 8 KiB, "
                + pingLarge + " above; allreduce " + reduceSmall + " / " + reduceLarge + ")");
        c.add("Machine: " + Runtime.getRuntime().availableProcessors() + " processors, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + "; load average " + loadAtStart + " at the start, " + loadAverage() + " at the end");
        c.add("Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "); 2 ranks everywhere; C MPI library: "
                + (mpich() ? "MPICH (C reference and the ffm transport)" : "Open MPI"));
        if (rounds > 1) {
            c.add(rounds + " rounds. In each, every system ran its ping-pong programs, then its object programs, then its allreduce"
                    + " programs, then its paired ones, in one order in odd rounds and the reverse in even ones. Figures are the medians over the rounds;"
                    + " ratios are the medians of the ratios taken round by round, with their lowest and highest in brackets.");
        }
        c.add("Machines are noisy: compare ratios from one run, not absolute times from different runs.");
        return c;
    }

    private static String loadAverage() {
        try {
            String s = new String(Files.readAllBytes(Paths.get("/proc/loadavg")), StandardCharsets.US_ASCII).trim();
            String[] w = s.split(" ");
            return w.length >= 3 ? w[0] + " " + w[1] + " " + w[2] : s;
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** The order programs run in within a round: a round runs every system's programs of one group, then the next. */
    static final List<String> GROUPS = List.of("pingpong", "objects", "allreduce", "paired");

    /**
     * One program run: what it measures (its group), its command, and where its result lines go. It
     * fills the systems named in {@code systems}; a run that fails puts its problem on each.
     */
    static final class Job {
        final String group;
        final List<String> systems;
        final List<String> cmd;
        final Path dir;
        final Map<String, String> env;
        /** A Cohort transport's run: when it fails without a result line, the transport's other runs are skipped. */
        final boolean cohort;

        Job(String group, List<String> systems, List<String> cmd, Path dir, Map<String, String> env, boolean cohort) {
            if (!GROUPS.contains(group)) throw new IllegalArgumentException("unknown group " + group);
            this.group = group;
            this.systems = List.copyOf(systems);
            this.cmd = List.copyOf(cmd);
            this.dir = dir;
            this.env = Map.copyOf(env);
            this.cohort = cohort;
        }

        @Override
        public String toString() {
            return group + " " + systems;
        }
    }

    /**
     * The jobs of one round in the order they run: group by group, and within a group in the listed
     * order in odd rounds (counting from 1), reversed in even ones, so that no system always runs
     * first or last when the machine's speed drifts.
     */
    static List<Job> schedule(List<Job> jobs, int round) {
        List<Job> order = new ArrayList<>();
        for (String g : GROUPS) {
            List<Job> in = new ArrayList<>();
            for (Job j : jobs) if (j.group.equals(g)) in.add(j);
            if (round % 2 == 0) java.util.Collections.reverse(in);
            order.addAll(in);
        }
        return order;
    }

    /** Every selected system's results, round by round (each list in table order). */
    private List<List<SystemResult>> measure() throws IOException {
        Files.createDirectories(out.resolve("logs"));
        work = CacheDir.path().resolve("compare");
        Files.createDirectories(work);
        List<SystemResult> systems = new ArrayList<>();
        List<Job> jobs = new ArrayList<>();
        prepareC(systems, jobs);
        prepareOmpiJava(systems, jobs);
        prepareMpj(systems, jobs);
        prepareMpi4py(systems, jobs);
        prepareCohort(systems, jobs);
        systems.removeIf(s -> !selected(s.id()));
        jobs.removeIf(j -> j.systems.stream().noneMatch(this::selected));

        List<List<SystemResult>> byRound = new ArrayList<>();
        Set<String> abandoned = new java.util.HashSet<>();
        for (int round = 1; round <= rounds; round++) {
            if (rounds > 1) {
                log.println("compare: round " + round + " of " + rounds);
                raw.add("# round " + round);
            }
            Map<String, SystemResult> results = new java.util.LinkedHashMap<>();
            for (SystemResult s : systems) results.put(s.id(), s.emptyCopy());
            for (Job job : schedule(jobs, round)) {
                String owner = job.systems.get(0);
                if (abandoned.contains(owner)) continue;
                if (!run(job, results) && job.cohort) {
                    abandoned.add(owner);
                    results.get(owner).problem("its remaining runs were skipped");
                }
            }
            byRound.add(new ArrayList<>(results.values()));
        }
        return byRound;
    }

    /**
     * Runs one job into this round's results; false when a Cohort transport's run failed without a
     * single result line (the transport cannot start: its remaining runs would only repeat the reason).
     */
    private boolean run(Job job, Map<String, SystemResult> results) {
        List<SystemResult> targets = new ArrayList<>();
        for (String id : job.systems) if (results.containsKey(id)) targets.add(results.get(id));
        ExternalRun.Result r = runLogged(job.cmd, job.dir, job.env, line -> {
            for (SystemResult s : targets) accept(s, line);
        });
        String p = r.problem(shortened(job.cmd), lastErr);
        if (p == null) return true;
        for (SystemResult s : targets) s.problem(p);
        if (!job.cohort) return true;
        return r.timedOut || r.lines.stream().anyMatch(l -> KvLine.parse(l, "cohort") != null);
    }

    /** Hands a result line to the system it belongs to: Cohort's lines by their transport field. */
    private static void accept(SystemResult s, String line) {
        if (s.cohort()) {
            KvLine kv = KvLine.parse(line, "cohort");
            if (kv != null && s.id().equals("cohort-" + kv.get("transport"))) s.accept(kv);
        } else {
            KvLine kv = KvLine.parse(line, s.id());
            if (kv != null && kv.system().equals(s.id())) s.accept(kv);
        }
    }

    private boolean mpich() {
        return mpi.equals("mpich");
    }

    /**
     * The first of the tools found on PATH, or null: Debian's per-library names come first, so the
     * library is the one asked for whichever the plain mpicc / mpirun alternatives point at.
     */
    private static String firstOnPath(String... tools) {
        for (String t : tools) if (onPath(t) != null) return t;
        return null;
    }

    /** The compiler wrapper of the library, or null. */
    private static String findMpicc(String mpi) {
        return mpi.equals("mpich") ? firstOnPath("mpicc.mpich") : firstOnPath("mpicc.openmpi", "mpicc");
    }

    /**
     * The launcher of the chosen MPI library with two ranks (Open MPI: more ranks than cores allowed,
     * as root if need be), or null when it is not installed.
     */
    private static List<String> findMpirun(String mpi) {
        if (mpi.equals("mpich")) {
            String l = firstOnPath("mpiexec.hydra", "mpiexec.mpich");
            return l == null ? null : List.of(l, "-n", "2");
        }
        String l = firstOnPath("mpirun.openmpi", "mpirun");
        if (l == null) return null;
        List<String> c = new ArrayList<>(List.of(l, "-np", "2", "--oversubscribe"));
        if ("root".equals(System.getProperty("user.name"))) c.add("--allow-run-as-root");
        return List.copyOf(c);
    }

    /** Why a system that runs over Open MPI only is left out of an MPICH comparison, or null. */
    private String openMpiOnly() {
        return mpich() ? "runs over Open MPI only, and this comparison is --mpi mpich" : null;
    }

    private void prepareC(List<SystemResult> systems, List<Job> jobs) {
        SystemResult s = new SystemResult("c", mpich() ? "C, MPICH" : "C, Open MPI", false);
        systems.add(s);
        s.notApplicable(Metric.OBJECT, "C MPI has no objects");
        if (!selected(s.id())) return;
        if (mpicc == null || mpirun == null) {
            String tool = mpicc == null ? (mpich() ? "mpicc.mpich" : "mpicc") : (mpich() ? "mpiexec.hydra" : "mpirun");
            String packages = mpich() ? "mpich libmpich-dev" : "openmpi-bin libopenmpi-dev";
            s.missing(tool + " not found on PATH (Debian: apt-get install " + packages + ")");
            return;
        }
        try {
            Path pp = compileC("pingpong");
            Path ar = compileC("allreduce");
            jobs.add(new Job("pingpong", List.of("c"), concat(mpirun, pp.toString(), Integer.toString(pingSmall),
                    Integer.toString(pingLarge)), null, Map.of(), false));
            jobs.add(new Job("allreduce", List.of("c"), concat(mpirun, ar.toString(), Integer.toString(reduceSmall),
                    Integer.toString(reduceLarge)), null, Map.of(), false));
        } catch (IOException e) {
            s.missing(e.getMessage());
        }
    }

    private Path compileC(String name) throws IOException {
        Path src = extract("c/" + name + ".c");
        Path bin = work.resolve("bin").resolve(name + (mpich() ? "_c_mpich" : "_c"));
        if (Files.exists(bin) && Files.getLastModifiedTime(bin).compareTo(Files.getLastModifiedTime(src)) > 0) return bin;
        Files.createDirectories(bin.getParent());
        build(List.of(mpicc, "-O2", "-o", bin.toString(), src.toString()), mpicc + " " + name + ".c");
        return bin;
    }

    private void prepareOmpiJava(List<SystemResult> systems, List<Job> jobs) {
        SystemResult heap = new SystemResult("ompi-heap", "Open MPI Java, byte[]/double[]", false);
        SystemResult direct = new SystemResult("ompi-direct", "Open MPI Java, direct buffers", false);
        for (SystemResult s : List.of(heap, direct)) s.notApplicable(Metric.OBJECT, "the Open MPI Java bindings have no object support");
        List<SystemResult> both = List.of(heap, direct);
        systems.addAll(both);
        if (!selected(heap.id()) && !selected(direct.id())) return;
        String why = openMpiOnly();
        if (why == null && mpirun == null) why = "mpirun not found on PATH";
        Path jar = ompiJar();
        if (why == null && jar == null) {
            why = "Open MPI's mpi.jar not found (Debian ships libmpi_java.so but no mpi.jar): set COHORT_OMPI_JAR, or build it"
                    + " into ~/.cache/cohort/openmpi-VERSION/mpi.jar (bin/setup-native once the openmpi transport is in)";
        }
        if (why == null && javac() == null) why = "no javac next to " + System.getProperty("java.home") + " (a JRE, not a JDK)";
        if (why != null) {
            for (SystemResult s : both) s.missing(why);
            return;
        }
        try {
            Path classes = compileJava("ompi", jar, "ompi/OmpiPingPong.java", "ompi/OmpiAllreduce.java");
            String cp = jar + File.pathSeparator + classes;
            String java = javaExe();
            for (String main : List.of("OmpiPingPong", "OmpiAllreduce")) {
                boolean ping = main.equals("OmpiPingPong");
                List<String> cmd = concat(mpirun, java, "-cp", cp, main,
                        Integer.toString(ping ? pingSmall : reduceSmall), Integer.toString(ping ? pingLarge : reduceLarge));
                jobs.add(new Job(ping ? "pingpong" : "allreduce", List.of(heap.id(), direct.id()), cmd, null, Map.of(), false));
            }
        } catch (IOException e) {
            for (SystemResult s : both) s.missing(e.getMessage());
        }
    }

    /** Open MPI's mpi.jar: COHORT_OMPI_JAR (or COHORT_MPI_JAR), else the caches the openmpi transport and the anchors build. */
    static Path ompiJar() {
        for (String var : List.of("COHORT_OMPI_JAR", "COHORT_MPI_JAR")) {
            String env = System.getenv(var);
            if (env != null && !env.isEmpty()) return Files.isRegularFile(Paths.get(env)) ? Paths.get(env) : null;
        }
        Path cache = CacheDir.path();
        List<Path> candidates = new ArrayList<>();
        candidates.addAll(globJars(cache, "openmpi-*"));
        candidates.add(cache.resolve("openmpi").resolve("mpi.jar"));
        candidates.addAll(globJars(cache.resolveSibling("mpi-anchors"), "openmpi-*"));
        candidates.add(Paths.get("/usr/share/java/mpi.jar"));
        candidates.add(Paths.get("/usr/lib/x86_64-linux-gnu/openmpi/lib/mpi.jar"));
        for (Path p : candidates) if (Files.isRegularFile(p)) return p;
        return null;
    }

    private static List<Path> globJars(Path dir, String glob) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) return found;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
            Set<Path> sorted = new TreeSet<>();
            for (Path p : ds) sorted.add(p);
            for (Path p : sorted) found.add(p.resolve("mpi.jar"));
        } catch (IOException e) {
            // nothing there
        }
        java.util.Collections.reverse(found); // newest version first
        return found;
    }

    private void prepareMpj(List<SystemResult> systems, List<Job> jobs) {
        SystemResult s = new SystemResult("mpj", "MPJ Express multicore", false);
        systems.add(s);
        if (!selected(s.id())) return;
        Path home;
        try {
            home = mpjHome();
        } catch (IOException e) {
            s.missing(e.getMessage());
            return;
        }
        if (home == null) {
            s.missing("MPJ Express not found: no MPJ_HOME with lib/starter.jar and no /usr/share/mpj (Debian: apt-get install libmpj-java)");
            return;
        }
        if (javac() == null) {
            s.missing("no javac next to " + System.getProperty("java.home"));
            return;
        }
        try {
            Path classes = compileJava("mpj", home.resolve("lib").resolve("mpj.jar"), "mpj/MpjReference.java");
            List<String> cmd = List.of(javaExe(), "-jar", home.resolve("lib").resolve("starter.jar").toString(), "-np", "2",
                    "-dev", "multicore", "MpjReference", Integer.toString(pingSmall), Integer.toString(pingLarge));
            // one program measures ping-pong, the small map and allreduce
            jobs.add(new Job("pingpong", List.of("mpj"), cmd, classes, Map.of("MPJ_HOME", home.toString()), false));
        } catch (IOException e) {
            s.missing(e.getMessage());
        }
    }

    /**
     * MPJ_HOME when it holds MPJ Express, else a private home in the cache assembled from Debian's
     * libmpj-java (its jars, the log4j it needs beside them, its configuration).
     */
    private Path mpjHome() throws IOException {
        String env = System.getenv("MPJ_HOME");
        if (env != null && Files.isRegularFile(Paths.get(env, "lib", "starter.jar"))) return Paths.get(env);
        Path lib = Paths.get("/usr/share/mpj/lib");
        if (!Files.isRegularFile(lib.resolve("starter.jar"))) return null;
        Path home = work.resolve("mpj-home");
        Path log4j = home.resolve("lib").resolve("log4j-1.2.jar");
        if (Files.isRegularFile(log4j)) return home;
        Path debianLog4j = Paths.get("/usr/share/java/log4j-1.2.jar");
        if (!Files.exists(debianLog4j)) throw new IOException("MPJ Express needs log4j 1.2 beside its jars and /usr/share/java/log4j-1.2.jar is missing (apt-get install liblog4j1.2-java)");
        Files.createDirectories(home.resolve("lib"));
        Files.createDirectories(home.resolve("conf"));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(lib, "*.jar")) {
            for (Path p : ds) Files.copy(p.toRealPath(), home.resolve("lib").resolve(p.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
        }
        Path conf = Paths.get("/etc/mpj");
        if (Files.isDirectory(conf)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(conf)) {
                for (Path p : ds) if (Files.isRegularFile(p)) Files.copy(p, home.resolve("conf").resolve(p.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.copy(debianLog4j.toRealPath(), log4j, StandardCopyOption.REPLACE_EXISTING);
        return home;
    }

    private void prepareMpi4py(List<SystemResult> systems, List<Job> jobs) {
        SystemResult s = new SystemResult("mpi4py", "mpi4py", false);
        systems.add(s);
        if (!selected(s.id())) return;
        // Debian's mpi4py is built for Open MPI
        String why = mpich() ? "Debian's mpi4py runs over Open MPI, and this comparison is --mpi mpich"
                : mpirun == null ? "mpirun not found on PATH" : null;
        if (why != null) {
            s.missing(why);
            return;
        }
        List<String> tried = new ArrayList<>();
        String python = null;
        Set<String> candidates = new LinkedHashSet<>();
        String env = System.getenv("COHORT_PYTHON");
        if (env != null && !env.isEmpty()) candidates.add(env);
        candidates.add("/usr/bin/python3");
        candidates.add("python3");
        for (String c : candidates) {
            if (c.contains("/") && !Files.isExecutable(Paths.get(c))) {
                tried.add(c + " (not found)");
                continue;
            }
            ExternalRun.Result r = ExternalRun.run(List.of(c, "-c", "import mpi4py, numpy"), null, Map.of(), 60, null, null);
            if (r.ok()) {
                python = c;
                break;
            }
            tried.add(c + (r.failure != null ? " (not found)" : " (no mpi4py or numpy)"));
        }
        if (python == null) {
            s.missing("mpi4py is not installed for any python tried: " + String.join(", ", tried)
                    + " (Debian: apt-get install python3-mpi4py python3-numpy; or set COHORT_PYTHON)");
            return;
        }
        try {
            Path script = extract("reference_mpi4py.py");
            // one program measures ping-pong, the small map and allreduce
            jobs.add(new Job("pingpong", List.of("mpi4py"), concat(mpirun, python, script.toString(), Integer.toString(pingSmall),
                    Integer.toString(pingLarge)), null, Map.of(), false));
        } catch (IOException e) {
            s.missing(e.getMessage());
        }
    }

    private void prepareCohort(List<SystemResult> out, List<Job> jobs) {
        List<TransportProvider> providers;
        try {
            providers = Cohort.providers();
        } catch (RuntimeException | LinkageError e) {
            SystemResult s = new SystemResult("cohort-local", "Cohort local", true);
            s.missing("cannot list Cohort's transports: " + e);
            out.add(s);
            return;
        }
        SystemResult local = new SystemResult("cohort-local", "Cohort local", true);
        out.add(local);
        String cp = ownClassPath();
        List<String> javaCmd = List.of(javaExe(), "-cp", cp, BENCH_MAIN);
        for (Map.Entry<String, List<String>> run : cohortArgs("local")) {
            jobs.add(new Job(run.getKey(), List.of(local.id()), concat(javaCmd, run.getValue()), null, Map.of("COHORT_NO_BUILD", "1"), true));
        }
        if (NATIVE_TRANSPORTS.stream().noneMatch(t -> selected("cohort-" + t))) return;

        // A native transport is run when this JVM or `bin/cohort info` finds it available: info may
        // run on another JDK (ffm needs 22+), and cohort run picks the JDK a transport needs.
        Path script = cohortScript();
        Map<String, String> here = new java.util.TreeMap<>();
        for (TransportProvider p : providers) {
            if (p.name().equals("local")) continue;
            try {
                here.put(p.name(), p.isAvailable() ? null : "not available: " + p.unavailabilityCause());
            } catch (RuntimeException | LinkageError e) {
                here.put(p.name(), "failed to say whether it is available: " + e);
            }
        }
        Map<String, String> info = script != null ? cohortInfo(script) : Map.of();
        Set<String> names = new TreeSet<>(NATIVE_TRANSPORTS);
        names.addAll(here.keySet());
        names.addAll(info.keySet());
        for (String name : names) {
            SystemResult s = new SystemResult("cohort-" + name, "Cohort " + name, true);
            out.add(s);
            if (name.equals("openmpi") && openMpiOnly() != null) {
                s.missing(openMpiOnly());
                continue;
            }
            String infoLine = info.get(name);
            if (!available(name, here, info)) {
                String why = infoLine != null ? "bin/cohort info: " + infoLine
                        : here.containsKey(name) ? here.get(name)
                        : "no provider on the class path (transports/" + name + " is not part of this build)";
                if (infoLine != null && here.get(name) != null && !infoLine.equals(here.get(name))) {
                    why += "; in this JVM (Java " + System.getProperty("java.version") + "): " + here.get(name);
                }
                s.missing(why);
                continue;
            }
            if (script == null) {
                s.missing("bin/cohort not found above " + codeLocation() + "; native transports are started with cohort run");
                continue;
            }
            List<String> launch = new ArrayList<>(List.of(script.toString(), "run", "-np", "2", "--transport", name));
            if (name.equals("ffm")) launch.addAll(List.of("--mpi", mpi));
            Map<String, String> env = Map.of("COHORT_NO_BUILD", "1");
            for (Map.Entry<String, List<String>> run : cohortArgs(name)) {
                jobs.add(new Job(run.getKey(), List.of(s.id()), concat(concat(launch, BENCH_MAIN), run.getValue()), null, env, true));
            }
            for (List<String> paired : pairedTools(name, here, info)) {
                jobs.add(new Job("paired", List.of(s.id()), concat(concat(launch, paired), PAIRED_ARGS), null, env, true));
            }
        }
    }

    /**
     * A transport's paired tools, each as the arguments after {@code cohort run ... --transport NAME}:
     * openmpi's against the bindings' direct buffer, at the transport's default thread level and again
     * at MPI_THREAD_SINGLE (the level of the bindings' own MPI.Init, and of the reference programs);
     * ffm's (against bare MPI calls and a C loop); and for ffm over Open MPI also openmpi's, which then
     * times ffm against the bindings (issue 5: below their best), when the openmpi transport is
     * available here or to info.
     */
    private List<List<String>> pairedTools(String name, Map<String, String> here, Map<String, String> info) {
        if (name.equals("openmpi")) {
            return List.of(List.of(OMPI_PAIRED), List.of("--jvm-opt", "-Dcohort.openmpi.threadLevel=single", OMPI_PAIRED));
        }
        if (!name.equals("ffm")) return List.of();
        return mpi.equals("openmpi") && available("openmpi", here, info) ? List.of(List.of(FFM_PAIRED), List.of(OMPI_PAIRED))
                : List.of(List.of(FFM_PAIRED));
    }

    /**
     * Whether a transport is available in this JVM ({@code here}: null reason) or to {@code bin/cohort
     * info}, which may run on another JDK (ffm needs 22+).
     */
    private static boolean available(String name, Map<String, String> here, Map<String, String> info) {
        return here.containsKey(name) && here.get(name) == null || info.getOrDefault(name, "").startsWith("available");
    }

    /** The BenchMain command lines for one transport, each with its group: ping-pong in two size ranges, objects, allreduce x3. */
    private List<Map.Entry<String, List<String>>> cohortArgs(String transport) {
        List<Map.Entry<String, List<String>>> runs = new ArrayList<>();
        List<String> common = List.of("--transport", transport, "--format", "kv");
        if (quick) {
            runs.add(Map.entry("pingpong", concat(List.of("latency", "--sizes", "1:8192", "--iterations", Integer.toString(pingSmall),
                    "--warmup", Integer.toString(pingSmall / 10)), common)));
            runs.add(Map.entry("pingpong", concat(List.of("latency", "--sizes", "16384:4194304", "--iterations",
                    Integer.toString(pingLarge), "--warmup", Integer.toString(Math.max(10, pingLarge / 10))), common)));
            runs.add(Map.entry("objects", concat(List.of("objlatency", "--iterations", "5000", "--warmup", "500"), common)));
        } else {
            runs.add(Map.entry("pingpong", concat(List.of("latency", "--sizes", "1:4194304"), common)));
            runs.add(Map.entry("objects", concat(List.of("objlatency"), common)));
        }
        for (int doubles : new int[]{1, 1024, 1 << 20}) {
            int iters = doubles > 1024 ? reduceLarge : reduceSmall;
            String bytes = Integer.toString(doubles * 8);
            runs.add(Map.entry("allreduce", concat(List.of("allreduce", "--type", "double", "--sizes", bytes + ":" + bytes,
                    "--iterations", Integer.toString(iters), "--warmup", Integer.toString(Math.max(5, iters / 10))), common)));
        }
        return runs;
    }

    /**
     * The transports `bin/cohort info` lists, each with the rest of its line ("available, ..." or
     * "not available: why"); empty when info cannot be run.
     */
    private Map<String, String> cohortInfo(Path script) {
        Map<String, String> env = new HashMap<>();
        env.put("COHORT_NO_BUILD", "1");
        ExternalRun.Result r = runLogged(List.of(script.toString(), "info"), null, env, line -> { });
        return parseInfo(r.lines);
    }

    /** "  NAME     available, ..." lines between "Transports:" and the next heading. */
    static Map<String, String> parseInfo(List<String> lines) {
        Map<String, String> out = new java.util.TreeMap<>();
        boolean in = false;
        for (String line : lines) {
            if (line.startsWith("Transports:")) {
                in = true;
                continue;
            }
            if (!line.startsWith(" ")) {
                in = false;
                continue;
            }
            if (!in) continue;
            String t = line.trim();
            int sp = t.indexOf(' ');
            if (sp <= 0) continue;
            out.put(t.substring(0, sp), t.substring(sp).trim());
        }
        out.remove("local");
        return out;
    }

    /** The class path of this JVM, plus the launcher's application class path when it started us. */
    private static String ownClassPath() {
        String cp = System.getProperty("java.class.path", "");
        String app = System.getProperty("cohort.launch.appClasspath");
        if (app != null && !app.isEmpty()) cp = cp.isEmpty() ? app : cp + File.pathSeparator + app;
        return cp;
    }

    private static Path codeLocation() {
        try {
            return Paths.get(Compare.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return Paths.get("").toAbsolutePath();
        }
    }

    /** bin/cohort in a directory above this class's jar or classes folder (the repository). */
    private static Path cohortScript() {
        String env = System.getenv("COHORT_SCRIPT");
        if (env != null && Files.isExecutable(Paths.get(env))) return Paths.get(env);
        for (Path d = codeLocation().toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("bin").resolve("cohort");
            if (Files.isRegularFile(s) && Files.isExecutable(s)) return s;
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------

    private ExternalRun.Result runLogged(List<String> cmd, Path dir, Map<String, String> env, java.util.function.Consumer<String> onLine) {
        Path err = out.resolve("logs").resolve(String.format(Locale.ROOT, "%02d.err", ++logCount));
        lastErr = err;
        log.println("compare: " + String.join(" ", shortened(cmd)) + "   [stderr: " + err + "]");
        log.flush();
        ExternalRun.Result r = ExternalRun.run(cmd, dir, env, timeout, err, line -> {
            synchronized (raw) {
                raw.add(line);
            }
            onLine.accept(line);
        });
        String outcome = r.failure != null ? "could not start: " + r.failure
                : r.timedOut ? "TIMED OUT, killed" : "exit " + r.exitCode;
        commands.add(String.format(Locale.ROOT, "%s   # %s, %.1f s, stderr %s", String.join(" ", cmd), outcome, r.seconds, err.getFileName()));
        log.println(String.format(Locale.ROOT, "compare:   %s in %.1f s, %d lines", outcome, r.seconds, r.lines.size()));
        log.flush();
        return r;
    }

    /** The command with a long -cp value cut to its entry count, for the progress lines. */
    private static List<String> shortened(List<String> cmd) {
        List<String> l = new ArrayList<>(cmd);
        Path script = cohortScript();
        if (!l.isEmpty() && script != null && l.get(0).equals(script.toString())) l.set(0, "bin/cohort");
        for (int i = 0; i + 1 < l.size(); i++) {
            if (l.get(i).equals("-cp") && l.get(i + 1).length() > 60) {
                l.set(i + 1, "<" + l.get(i + 1).split(File.pathSeparator).length + " class path entries>");
            }
        }
        return l;
    }

    private Path compileJava(String name, Path jar, String... sources) throws IOException {
        Path classes = work.resolve("classes-" + name);
        List<String> cmd = new ArrayList<>(List.of(javac(), "-nowarn", "-cp", jar.toString(), "-d", classes.toString()));
        boolean stale = !Files.isDirectory(classes);
        for (String s : sources) {
            Path src = extract(s);
            Path cls = classes.resolve(src.getFileName().toString().replace(".java", ".class"));
            if (!Files.exists(cls) || Files.getLastModifiedTime(cls).compareTo(Files.getLastModifiedTime(src)) <= 0) stale = true;
            cmd.add(src.toString());
        }
        if (stale) {
            Files.createDirectories(classes);
            build(cmd, "javac " + Arrays.toString(sources));
        }
        return classes;
    }

    private void build(List<String> cmd, String what) throws IOException {
        Path err = out.resolve("logs").resolve("build-" + (++logCount) + ".err");
        ExternalRun.Result r = ExternalRun.run(cmd, null, Map.of(), Math.min(timeout, 300), err, null);
        if (!r.ok()) throw new IOException(what + " failed: " + r.problem(shortened(cmd), err));
    }

    /** Copies a bundled reference source into the cache; rewrites it (new time stamp) only when it changed. */
    private Path extract(String name) throws IOException {
        byte[] content;
        try (InputStream in = Compare.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) throw new IOException("reference source " + name + " is not in the benchmarks jar");
            content = in.readAllBytes();
        }
        Path dest = work.resolve("src").resolve(name);
        if (Files.isRegularFile(dest) && Arrays.equals(Files.readAllBytes(dest), content)) return dest;
        Files.createDirectories(dest.getParent());
        Files.write(dest, content);
        return dest;
    }

    private static String javaExe() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String javac() {
        Path p = Paths.get(System.getProperty("java.home"), "bin", "javac");
        return Files.isExecutable(p) ? p.toString() : null;
    }

    private static Path onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String d : path.split(File.pathSeparator)) {
            if (d.isEmpty()) continue;
            Path p = Paths.get(d, tool);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        return null;
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> l = new ArrayList<>(head);
        l.addAll(Arrays.asList(tail));
        return l;
    }

    private static List<String> concat(List<String> head, List<String> tail) {
        List<String> l = new ArrayList<>(head);
        l.addAll(tail);
        return l;
    }
}
