package dev.cohort.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parsed command line of {@link BenchMain}: {@code NAME [--transport T] [-np N] [--sizes MIN:MAX]
 * [--iterations K] [--warmup K] [--type byte|double] [--window W] [--format osu|kv]}. Values left out
 * are null and the benchmark picks its own default. Immutable.
 */
public final class BenchOptions {
    /** How rows are printed. */
    public enum Format {
        /** OSU micro-benchmarks style: '#' header lines, then {@code %-10d%18.2f} rows. */
        OSU,
        /** One self-describing line per row, e.g. {@code cohort latency bytes=8 half_rtt_us=0.412 ...}. */
        KV
    }

    static final String USAGE = String.join("\n",
            "usage: BenchMain NAME [options]",
            "  NAME                 one of: %s",
            "  --transport T        local (threads of this JVM; the default outside a native launcher),",
            "                       or a native transport (openmpi, mpj, ffm) when started by its launcher",
            "  -np N                ranks for the local transport (default 2; native: set by the launcher)",
            "  --sizes MIN:MAX      message sizes in bytes, MIN then doubling up to MAX (0 is followed by 1)",
            "  --iterations K       timed iterations per size (default: by size, as in OSU)",
            "  --warmup K           untimed iterations before each size (default: by size)",
            "  --prewarm-ms T       before the first size, repeat the JIT warm-up (10x the warm-up of the",
            "                       smallest and largest size) for T ms and until its time stops improving",
            "                       (at most 10 T; default 3000; 0: once)",
            "  --type byte|double   buffer element type (default byte; double sizes are multiples of 8)",
            "  --window W           messages in flight per iteration for bw and bibw (default 64)",
            "  --format osu|kv      OSU-style table (default) or one 'cohort NAME key=value ...' line per row",
            "  --back-to-back       collectives: time the calls in one loop without a barrier between them",
            "                       (the anchors' C allreduce method) instead of OSU's one call at a time",
            "  -h, --help           this text",
            "or:    BenchMain compare [--quick] [--out DIR] [--timeout SECONDS]",
            "                       C, raw Open MPI Java, MPJ Express, mpi4py and every Cohort transport side",
            "                       by side: a table with ratios, a Markdown report and PNG plots in DIR");

    private final String name;
    private final String transport;
    private final Integer np;
    private final Long minBytes;
    private final Long maxBytes;
    private final Integer iterations;
    private final Integer warmup;
    private final int prewarmMillis;
    private final BufferType type;
    private final Integer window;
    private final Format format;
    private final boolean help;
    private final boolean backToBack;

    private BenchOptions(Builder b) {
        this.backToBack = b.backToBack;
        this.name = b.name;
        this.transport = b.transport;
        this.np = b.np;
        this.minBytes = b.minBytes;
        this.maxBytes = b.maxBytes;
        this.iterations = b.iterations;
        this.warmup = b.warmup;
        this.prewarmMillis = b.prewarmMillis;
        this.type = b.type;
        this.window = b.window;
        this.format = b.format;
        this.help = b.help;
    }

    /**
     * Parses a command line.
     *
     * @throws UsageException on an unknown option, a missing or malformed value, or a missing NAME
     */
    public static BenchOptions parse(String... args) {
        Builder b = new Builder();
        List<String> positional = new ArrayList<>();
        Cursor c = new Cursor(args);
        while (c.advance()) {
            String a = c.option;
            switch (a) {
                case "-h":
                case "--help":
                    b.help = true;
                    break;
                case "--transport":
                    b.transport = c.value().toLowerCase(Locale.ROOT);
                    break;
                case "-np":
                case "--np":
                    b.np = positiveInt(c.value(), a, 1);
                    break;
                case "--sizes":
                    parseSizes(b, c.value());
                    break;
                case "--iterations":
                    b.iterations = positiveInt(c.value(), a, 1);
                    break;
                case "--warmup":
                    b.warmup = positiveInt(c.value(), a, 0);
                    break;
                case "--prewarm-ms":
                    b.prewarmMillis = positiveInt(c.value(), a, 0);
                    break;
                case "--type":
                    b.type = BufferType.parse(c.value());
                    break;
                case "--window":
                    b.window = positiveInt(c.value(), a, 1);
                    break;
                case "--format":
                    b.format = parseFormat(c.value());
                    break;
                case "--back-to-back":
                    b.backToBack = true;
                    break;
                case "--csv":
                    throw new UsageException("--csv is not supported; use --format kv for machine-readable lines");
                default:
                    if (a.startsWith("-")) throw new UsageException("unknown option '" + a + "'");
                    positional.add(a);
            }
        }
        if (positional.size() > 1) throw new UsageException("one benchmark at a time, got " + positional);
        if (positional.isEmpty() && !b.help) throw new UsageException("no benchmark named");
        b.name = positional.isEmpty() ? null : positional.get(0).toLowerCase(Locale.ROOT);
        return new BenchOptions(b);
    }

    /** Walks the arguments; an option's value is the {@code --opt=value} part or the next argument. */
    private static final class Cursor {
        private final String[] args;
        private int next;
        String option;
        private String inline;

        Cursor(String[] args) {
            this.args = args;
        }

        boolean advance() {
            if (next >= args.length) return false;
            String a = args[next++];
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                option = a.substring(0, eq);
                inline = a.substring(eq + 1);
            } else {
                option = a;
                inline = null;
            }
            return true;
        }

        String value() {
            if (inline != null) {
                if (inline.isEmpty()) throw new UsageException(option + " needs a value");
                return inline;
            }
            if (next >= args.length) throw new UsageException(option + " needs a value");
            return args[next++];
        }
    }

    private static int positiveInt(String s, String option, int min) {
        try {
            int v = Integer.parseInt(s.trim());
            if (v < min) throw new UsageException(option + " must be at least " + min + ", got " + v);
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " expects a whole number, got '" + s + "'");
        }
    }

    private static void parseSizes(Builder b, String s) {
        int colon = s.indexOf(':');
        try {
            if (colon < 0) {
                b.minBytes = b.maxBytes = Long.parseLong(s.trim());
            } else {
                b.minBytes = colon == 0 ? null : Long.parseLong(s.substring(0, colon).trim());
                b.maxBytes = colon == s.length() - 1 ? null : Long.parseLong(s.substring(colon + 1).trim());
            }
        } catch (NumberFormatException e) {
            throw new UsageException("--sizes expects MIN:MAX in bytes (e.g. 8:4194304), got '" + s + "'");
        }
        if (b.minBytes != null && b.minBytes < 0 || b.maxBytes != null && b.maxBytes < 0) {
            throw new UsageException("--sizes must not be negative, got '" + s + "'");
        }
        if (b.minBytes != null && b.maxBytes != null && b.minBytes > b.maxBytes) {
            throw new UsageException("--sizes MIN " + b.minBytes + " is larger than MAX " + b.maxBytes);
        }
        if (b.maxBytes != null && b.maxBytes > Sizes.LIMIT) {
            throw new UsageException("--sizes MAX " + b.maxBytes + " exceeds the largest supported message of "
                    + Sizes.LIMIT + " bytes");
        }
    }

    private static Format parseFormat(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "osu":
                return Format.OSU;
            case "kv":
                return Format.KV;
            default:
                throw new UsageException("unknown --format '" + s + "'; known: osu, kv");
        }
    }

    /** The benchmark's name, lower case; null only with --help. */
    public String name() {
        return name;
    }

    /** --transport, or null for the default (the launcher's transport, else local). */
    public String transport() {
        return transport;
    }

    /** -np, or null. */
    public Integer np() {
        return np;
    }

    /** Smallest size in bytes from --sizes, or null for the benchmark's default. */
    public Long minBytes() {
        return minBytes;
    }

    /** Largest size in bytes from --sizes, or null for the benchmark's default. */
    public Long maxBytes() {
        return maxBytes;
    }

    /** --iterations, or null for the benchmark's schedule. */
    public Integer iterations() {
        return iterations;
    }

    /** --warmup, or null for the benchmark's schedule. */
    public Integer warmup() {
        return warmup;
    }

    /** --prewarm-ms: least time the JIT warm-up before the first size is repeated for (0: run it once). */
    public int prewarmMillis() {
        return prewarmMillis;
    }

    /** --type (default byte). */
    public BufferType type() {
        return type;
    }

    /** --window, or null for the default (64). */
    public Integer window() {
        return window;
    }

    public Format format() {
        return format;
    }

    /** Collectives: time calls back to back rather than one at a time between barriers. */
    public boolean backToBack() {
        return backToBack;
    }

    public boolean help() {
        return help;
    }

    /** The usage text listing the known benchmark names. */
    static String usage(List<String> names) {
        return String.format(USAGE, String.join(", ", names));
    }

    private static final class Builder {
        String name;
        String transport;
        Integer np;
        Long minBytes;
        Long maxBytes;
        Integer iterations;
        Integer warmup;
        int prewarmMillis = Integer.getInteger("cohort.bench.prewarmMillis", 3000);
        BufferType type = BufferType.BYTE;
        Integer window;
        Format format = Format.OSU;
        boolean help;
        boolean backToBack;
    }
}
