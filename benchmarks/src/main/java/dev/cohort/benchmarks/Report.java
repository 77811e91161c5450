package dev.cohort.benchmarks;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Where a benchmark's results go. Only rank 0 prints (the others get a silent report). In OSU format
 * a run prints
 *
 * <pre>
 * # Cohort MPI Latency Test v0.1.0
 * # Transport: local, ranks: 2, datatype: byte[]
 * # Size          Latency (us)
 * 0                       0.31
 * 1                       0.32
 * </pre>
 *
 * and in kv format no header, but one line per row in the style of the anchors
 * ({@code cohort latency bytes=8 half_rtt_us=0.412 MBps=19.4 iters=10000 transport=local np=2}), which
 * a comparison tool can read next to {@code c pingpong bytes=8 half_rtt_us=0.478 MBps=16.7}.
 * Every line is flushed as it is printed, so a long run shows its progress.
 */
public final class Report {
    /** OSU's FIELD_WIDTH and FLOAT_PRECISION. */
    static final int FIELD = 18;
    static final int LABEL = 10;

    private final PrintStream out;
    private final BenchOptions.Format format;
    private final String benchmark;
    private final String transport;
    private final int ranks;

    private Report(PrintStream out, BenchOptions.Format format, String benchmark, String transport, int ranks) {
        this.out = out;
        this.format = format;
        this.benchmark = benchmark;
        this.transport = transport;
        this.ranks = ranks;
    }

    /** The report of one rank: printing on rank 0, silent elsewhere. */
    public static Report forRank(int rank, PrintStream out, BenchOptions.Format format, String benchmark,
                                 String transport, int ranks) {
        return new Report(rank == 0 ? out : null, format, benchmark, transport, ranks);
    }

    /** True when this report prints (rank 0). */
    public boolean printing() {
        return out != null;
    }

    public BenchOptions.Format format() {
        return format;
    }

    /**
     * The header: a title line ("Latency Test" becomes "# Cohort MPI Latency Test vX"), a line with
     * the transport, rank count and {@code details}, and the column line ({@code firstColumn} padded to
     * OSU's label width, {@code valueColumn} right-aligned in its field; a null firstColumn gives OSU's
     * one-column form, "# Avg Latency(us)"). Nothing in kv format.
     */
    public void header(String title, String details, String firstColumn, String valueColumn) {
        if (out == null || format != BenchOptions.Format.OSU) return;
        out.println("# Cohort MPI " + title + " v" + version());
        out.println("# Transport: " + transport + ", ranks: " + ranks + (details == null || details.isEmpty() ? "" : ", " + details));
        if (firstColumn == null) out.println("# " + valueColumn);
        else out.println(String.format(Locale.ROOT, "%-" + LABEL + "s%" + FIELD + "s", "# " + firstColumn, valueColumn));
        out.flush();
    }

    /**
     * One result: in OSU format {@code label} left-aligned in 10 columns and {@code value} as %18.2f; in
     * kv format "cohort NAME " + {@code kv} + the transport and rank count.
     */
    public void row(String label, double value, String kv) {
        if (out == null) return;
        if (format == BenchOptions.Format.OSU) {
            if (label == null) out.println(String.format(Locale.ROOT, "%" + FIELD + ".2f", value));
            else out.println(String.format(Locale.ROOT, "%-" + LABEL + "s%" + FIELD + ".2f", label, value));
        } else {
            out.println("cohort " + benchmark + " " + kv + " transport=" + transport + " np=" + ranks);
        }
        out.flush();
    }

    /** Formats a number for a kv line without locale surprises. */
    public static String num(String pattern, double v) {
        return String.format(Locale.ROOT, pattern, v);
    }

    /** The benchmarks' version (the jar's Implementation-Version), or "dev" when run from classes. */
    static String version() {
        String v = Report.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
