package dev.cohort.benchmarks.compare;

import dev.cohort.benchmarks.compare.SystemResult.Metric;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one comparison as a plain-text table (for the terminal), a Markdown report and two
 * log-log PNG plots (latency and bandwidth against message size, one line per system).
 *
 * <p>Ratios are Cohort's time over the peer's time for every column, so above 1 means Cohort is
 * slower: for a bandwidth column that is the peer's MB/s over Cohort's (time per byte).
 */
public final class CompareReport {
    /** The peers ratios are taken against, by system id, with the row title of the ratio. */
    public static final Map<String, String> RATIO_PEERS = new LinkedHashMap<>();

    static {
        RATIO_PEERS.put("c", "C");
        RATIO_PEERS.put("ompi-heap", "raw Java bindings");
        // the reference of the openmpi transport's 8-byte latency target (issue: at most 1.15x)
        RATIO_PEERS.put("ompi-direct", "raw Java bindings, direct");
        RATIO_PEERS.put("mpj", "MPJ Express");
        RATIO_PEERS.put("mpi4py", "mpi4py");
    }

    /** How the report names the references of paired runs, by the one word of their result lines. */
    public static final Map<String, String> PAIRED_REFERENCES = Map.of(
            "ompi-direct", "raw Java bindings, direct buffer",
            "ompi-direct-single", "raw Java bindings, direct buffer, both at MPI_THREAD_SINGLE",
            "mpi-calls", "bare MPI_Send/MPI_Recv downcalls",
            "c", "C MPI_Send/MPI_Recv loop");

    public static final String MARKDOWN = "compare.md";
    public static final String LATENCY_PNG = "latency.png";
    public static final String BANDWIDTH_PNG = "bandwidth.png";

    /** The figures: each system's medians over the rounds (its one round's when there is one). */
    private final List<SystemResult> systems;
    /** Every round's results, each list in table order. */
    private final List<List<SystemResult>> rounds;
    private final List<String> context;

    /**
     * A report of one round.
     *
     * @param systems every system, measured or missing, in table order
     * @param context lines describing the run (date, machine, mode), shown on top of the report
     */
    public CompareReport(List<SystemResult> systems, List<String> context) {
        this(List.of(systems), systems, context);
    }

    private CompareReport(List<List<SystemResult>> rounds, List<SystemResult> figures, List<String> context) {
        this.rounds = new ArrayList<>();
        for (List<SystemResult> r : rounds) this.rounds.add(List.copyOf(r));
        this.systems = new ArrayList<>(figures);
        this.context = new ArrayList<>(context);
    }

    /**
     * A report of several rounds, each holding the same systems in the same order: figures are the
     * medians over the rounds, and each ratio the median of the ratios taken round by round.
     */
    public static CompareReport ofRounds(List<List<SystemResult>> rounds, List<String> context) {
        if (rounds.isEmpty()) throw new IllegalArgumentException("no rounds");
        List<SystemResult> first = rounds.get(0);
        for (List<SystemResult> r : rounds) {
            if (r.size() != first.size()) throw new IllegalArgumentException("the rounds hold different systems");
            for (int i = 0; i < r.size(); i++) {
                if (!r.get(i).id().equals(first.get(i).id())) throw new IllegalArgumentException("the rounds hold different systems");
            }
        }
        if (rounds.size() == 1) return new CompareReport(first, context);
        List<SystemResult> medians = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            List<SystemResult> same = new ArrayList<>();
            for (List<SystemResult> r : rounds) same.add(r.get(i));
            medians.add(SystemResult.ofRounds(same));
        }
        return new CompareReport(rounds, medians, context);
    }

    /** The ratio of Cohort's figure to the peer's as described above, or null when one is missing. */
    public static Double ratio(Metric m, Double cohort, Double peer) {
        if (cohort == null || peer == null || cohort <= 0 || peer <= 0) return null;
        return m.time ? cohort / peer : peer / cohort;
    }

    /** The figures table and the ratios table, plain text, fixed-width columns. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        List<String[]> rows = new ArrayList<>();
        rows.add(header("system"));
        for (SystemResult s : systems) {
            String[] r = new String[Metric.values().length + 1];
            r[0] = s.title();
            String missing = s.missingReason();
            for (Metric m : Metric.values()) r[m.ordinal() + 1] = missing != null ? "missing" : cell(s, m);
            rows.add(r);
        }
        sb.append(columns(rows));
        List<String[]> ratios = ratioRows(false);
        if (ratios.size() > 1) {
            sb.append('\n').append("Ratios (Cohort time / peer time; above 1 = Cohort slower; bandwidth as time per byte)\n");
            sb.append(columns(ratios));
        }
        List<String[]> paired = pairedRows();
        if (paired.size() > 1) {
            sb.append('\n').append("Paired (Cohort and a reference in alternating blocks of the same two processes; ratio: the median\n"
                    + "of the per-block ratios)\n");
            sb.append(columns(paired));
        }
        List<String> missing = missingLines();
        if (!missing.isEmpty()) {
            sb.append('\n').append("Missing:\n");
            for (String m : missing) sb.append("  ").append(m).append('\n');
        }
        return sb.toString();
    }

    private static String[] header(String first) {
        String[] h = new String[Metric.values().length + 1];
        h[0] = first;
        for (Metric m : Metric.values()) h[m.ordinal() + 1] = m.title() + " (" + m.unit() + ")";
        return h;
    }

    /**
     * One row per Cohort transport and peer: the ratio, or with several rounds "median (lowest-highest)";
     * {@code byRound}: one row per transport, peer and round instead.
     */
    private List<String[]> ratioRows(boolean byRound) {
        List<String[]> rows = new ArrayList<>();
        String[] h = header("ratio");
        for (Metric m : Metric.values()) h[m.ordinal() + 1] = m.title();
        rows.add(h);
        for (SystemResult c : systems) {
            if (!c.cohort() || c.missingReason() != null) continue;
            for (Map.Entry<String, String> peer : RATIO_PEERS.entrySet()) {
                SystemResult p = find(systems, peer.getKey());
                if (p == null || p.missingReason() != null) continue;
                String title = c.title() + " / " + peer.getValue();
                if (!byRound) {
                    rows.add(row(title, m -> summary(roundRatios(m, c.id(), p.id()))));
                    continue;
                }
                for (int k = 0; k < rounds.size(); k++) {
                    List<SystemResult> round = rounds.get(k);
                    rows.add(row(title + ", round " + (k + 1), m -> {
                        Double q = ratioIn(round, m, c.id(), p.id());
                        return q == null ? "-" : ratioText(q);
                    }));
                }
            }
        }
        return rows;
    }

    /**
     * One row per paired measurement of a Cohort transport: what against what, the message size, the
     * two half round trips (medians over the rounds) and the ratio, with several rounds
     * "median (lowest-highest)" of the rounds' ratios.
     */
    private List<String[]> pairedRows() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"paired", "bytes", "Cohort (us)", "reference (us)", "ratio"});
        for (SystemResult c : systems) {
            if (!c.cohort() || c.missingReason() != null) continue;
            for (SystemResult.Paired p : c.paired()) {
                List<Double> q = new ArrayList<>();
                for (List<SystemResult> round : rounds) {
                    SystemResult r = find(round, c.id());
                    SystemResult.Paired in = r == null ? null : r.paired(p.key());
                    if (in != null) q.add(in.ratio());
                }
                String reference = PAIRED_REFERENCES.getOrDefault(p.reference(), p.reference());
                rows.add(new String[]{c.title() + " / " + reference, Long.toString(p.bytes()), format(p.cohortUs()),
                        format(p.referenceUs()), summary(q)});
            }
        }
        return rows;
    }

    private static String[] row(String title, java.util.function.Function<Metric, String> cell) {
        String[] r = new String[Metric.values().length + 1];
        r[0] = title;
        for (Metric m : Metric.values()) r[m.ordinal() + 1] = cell.apply(m);
        return r;
    }

    /** "-", one ratio, or "median (lowest-highest)" of several. */
    private static String summary(List<Double> q) {
        Double med = SystemResult.median(q);
        if (med == null) return "-";
        if (q.size() == 1) return ratioText(med);
        return ratioText(med) + " (" + ratioText(java.util.Collections.min(q)) + "-" + ratioText(java.util.Collections.max(q)) + ")";
    }

    /** The ratio of Cohort system {@code cohort} to {@code peer} in every round that measured both. */
    List<Double> roundRatios(Metric m, String cohort, String peer) {
        List<Double> out = new ArrayList<>();
        for (List<SystemResult> r : rounds) {
            Double q = ratioIn(r, m, cohort, peer);
            if (q != null) out.add(q);
        }
        return out;
    }

    /** The ratio in one round, or null when that round lacks either figure. */
    private static Double ratioIn(List<SystemResult> round, Metric m, String cohort, String peer) {
        SystemResult c = find(round, cohort);
        SystemResult p = find(round, peer);
        if (c == null || p == null || c.missingReason() != null || p.missingReason() != null) return null;
        return ratio(m, c.value(m), p.value(m));
    }

    private List<String> missingLines() {
        List<String> out = new ArrayList<>();
        for (SystemResult s : systems) {
            String why = s.missingReason();
            if (why != null) out.add(s.title() + ": " + why);
            else for (String p : s.problems()) out.add(s.title() + " (in part): " + p);
        }
        return out;
    }

    private static SystemResult find(List<SystemResult> in, String id) {
        for (SystemResult s : in) if (s.id().equals(id)) return s;
        return null;
    }

    private static String cell(SystemResult s, Metric m) {
        Double v = s.value(m);
        if (v != null) return format(v);
        return s.notApplicableReason(m) != null ? "n/a" : "-";
    }

    /** A ratio with two significant figures at least, no exponent: 140, 27.4, 2.75, 0.35, 0.0081. */
    static String ratioText(double q) {
        if (q >= 100) return String.format(Locale.ROOT, "%.0f", q);
        if (q >= 10) return String.format(Locale.ROOT, "%.1f", q);
        if (q >= 0.1) return String.format(Locale.ROOT, "%.2f", q);
        return new java.math.BigDecimal(q).round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString();
    }

    /** Three significant figures or so, no exponent. */
    static String format(double v) {
        if (v >= 1000) return String.format(Locale.ROOT, "%,.0f", v);
        if (v >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (v >= 10) return String.format(Locale.ROOT, "%.1f", v);
        if (v >= 1) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String columns(List<String[]> rows) {
        int n = rows.get(0).length;
        int[] w = new int[n];
        for (String[] r : rows) for (int i = 0; i < n; i++) w[i] = Math.max(w[i], r[i].length());
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < n; i++) {
                if (i == 0) sb.append(String.format("%-" + w[0] + "s", r[0]));
                else sb.append("  ").append(String.format("%" + w[i] + "s", r[i]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String markdownTable(List<String[]> rows) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < rows.size(); k++) {
            sb.append("| ").append(String.join(" | ", rows.get(k))).append(" |\n");
            if (k == 0) {
                sb.append("|---");
                for (int i = 1; i < rows.get(0).length; i++) sb.append("|---:");
                sb.append("|\n");
            }
        }
        return sb.toString();
    }

    /** The Markdown report, pointing at the two plots beside it. */
    public String markdown() {
        StringBuilder sb = new StringBuilder("# Cohort side by side\n\n");
        for (String c : context) sb.append("- ").append(c).append('\n');
        sb.append("\n## Figures\n\n");
        List<String[]> rows = new ArrayList<>();
        rows.add(header("system"));
        for (SystemResult s : systems) {
            String[] r = new String[Metric.values().length + 1];
            r[0] = s.title();
            for (Metric m : Metric.values()) r[m.ordinal() + 1] = s.missingReason() != null ? "missing" : cell(s, m);
            rows.add(r);
        }
        sb.append(markdownTable(rows));
        sb.append("\nLatency: half the mean round trip of a blocking ping-pong between two ranks. 1 MiB and 4 MiB: the\n"
                + "same ping-pong's bandwidth, message bytes over half the round trip, in MB/s (10^6 bytes/s). Small map:\n"
                + "half the round trip of {a:1, b:[1,2,3], c:\"hello\"} (Cohort's object codec, MPJ Express MPI.OBJECT\n"
                + "= Java serialization, mpi4py pickle). Allreduce: SUM of 1, 1024 and 1048576 doubles, every rank\n"
                + "timing its calls with a barrier after each, the mean over the two ranks, us. n/a: the system has\n"
                + "no such operation; -: not measured.\n");
        List<String[]> ratios = ratioRows(false);
        if (ratios.size() > 1) {
            sb.append("\n## Ratios\n\nCohort's time over the peer's time in the same run: above 1 means Cohort is slower. For the\n"
                    + "bandwidth columns the ratio is the peer's MB/s over Cohort's (time per byte), so it reads the same way.\n");
            if (rounds.size() > 1) {
                sb.append("With " + rounds.size() + " rounds: the median of the ratios taken round by round, lowest-highest in brackets;\n"
                        + "the figures above are the medians of each system's own rounds.\n");
            }
            sb.append('\n').append(markdownTable(ratios));
            if (rounds.size() > 1) sb.append("\n### Round by round\n\n").append(markdownTable(ratioRows(true)));
        }
        List<String[]> paired = pairedRows();
        if (paired.size() > 1) {
            sb.append("\n## Paired in the same processes\n\nA transport's paired tool (`PairedLatency`) times Cohort's heap-array ping-pong and a\n"
                    + "reference in alternating blocks of the same two processes, so that both see the machine at the same\n"
                    + "moment, under the same MPI start-up: on a machine whose speed drifts, the steadier ratio. The times are\n"
                    + "the medians of the blocks; the ratio is the median of each Cohort block over the reference blocks\n"
                    + "around it" + (rounds.size() > 1 ? ", then the median (lowest-highest) over the rounds" : "") + ". The openmpi\n"
                    + "tool's reference runs at the transport's thread level: MULTIPLE by default, and SINGLE (the level of\n"
                    + "MPI.Init, at which the separate raw-bindings program above runs) in the row that says so. The ffm tool's\n"
                    + "C loop is compiled with the library's mpicc and called\n"
                    + "in the same processes: the issue's C reference, measured beside Cohort.\n\n");
            sb.append(markdownTable(paired));
        }
        List<String> missing = missingLines();
        if (!missing.isEmpty()) {
            sb.append("\n## Missing\n\n");
            for (String m : missing) sb.append("- ").append(m.replace("|", "\\|")).append('\n');
        }
        sb.append("\n## Plots\n\n![latency](").append(LATENCY_PNG).append(")\n\n![bandwidth](").append(BANDWIDTH_PNG).append(")\n");
        return sb.toString();
    }

    public LogLogPlot latencyPlot() {
        LogLogPlot p = new LogLogPlot("Ping-pong latency (half round trip), 2 ranks", "message size (bytes)", "latency (us)");
        for (SystemResult s : systems) p.series(s.title(), s.latencyCurve());
        return p;
    }

    public LogLogPlot bandwidthPlot() {
        LogLogPlot p = new LogLogPlot("Ping-pong bandwidth (bytes / half round trip), 2 ranks", "message size (bytes)", "bandwidth (MB/s)");
        for (SystemResult s : systems) p.series(s.title(), s.bandwidthCurve());
        return p;
    }

    /** Writes compare.md, latency.png and bandwidth.png into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(MARKDOWN), markdown().getBytes(StandardCharsets.UTF_8));
        latencyPlot().write(dir.resolve(LATENCY_PNG));
        bandwidthPlot().write(dir.resolve(BANDWIDTH_PNG));
    }
}
