package dev.cohort.benchmarks.compare;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one system (a reference or a Cohort transport) measured in a comparison: the ping-pong curve
 * (half round trip and bandwidth by message size), the small-map object ping-pong and the allreduce
 * times by number of doubles; for a Cohort transport with a paired tool, its paired runs. A system that
 * could not be measured carries the reason instead.
 */
public final class SystemResult {
    /** The figures the table shows, in column order. */
    public enum Metric {
        LATENCY_8B("8 B latency", "us", true),
        BW_1MIB("1 MiB", "MB/s", false),
        BW_4MIB("4 MiB", "MB/s", false),
        OBJECT("small map", "us", true),
        ALLREDUCE_1("allreduce 1", "us", true),
        ALLREDUCE_1K("allreduce 1Ki", "us", true),
        ALLREDUCE_1M("allreduce 1Mi", "us", true);

        final String title;
        final String unit;
        /** True when smaller is better (a time), false for a bandwidth. */
        final boolean time;

        Metric(String title, String unit, boolean time) {
            this.title = title;
            this.unit = unit;
            this.time = time;
        }

        public String title() {
            return title;
        }

        public String unit() {
            return unit;
        }
    }

    /**
     * A paired run: Cohort and a reference (one word, such as ompi-direct) timed in alternating blocks
     * of the same processes; the medians of the blocks' half round trips and of the per-block ratios.
     */
    public record Paired(String reference, long bytes, double cohortUs, double referenceUs, double ratio) {
        /** What identifies the same measurement in another round. */
        String key() {
            return reference + " " + bytes;
        }
    }

    private final String id;
    private final String title;
    private final boolean cohort;
    private final TreeMap<Long, Double> latencyUs = new TreeMap<>();
    private final TreeMap<Long, Double> bandwidthMBps = new TreeMap<>();
    private final TreeMap<Long, Double> allreduceUs = new TreeMap<>();
    private final TreeMap<String, Paired> paired = new TreeMap<>();
    private final Map<String, String> notApplicable = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();
    private Double objectUs;
    private String missing;

    /**
     * @param id     the system word of its result lines (c, ompi-heap, mpj, mpi4py, cohort-local, ...)
     * @param title  how the table names it
     * @param cohort true for a Cohort transport (the rows ratios are taken of)
     */
    public SystemResult(String id, String title, boolean cohort) {
        this.id = id;
        this.title = title;
        this.cohort = cohort;
    }

    /** A result with this one's name, kind, n/a marks and missing reason, and no figures: the start of another round. */
    public SystemResult emptyCopy() {
        SystemResult c = new SystemResult(id, title, cohort);
        c.notApplicable.putAll(notApplicable);
        c.missing = missing;
        return c;
    }

    /**
     * One system's rounds combined: each figure is the median of the rounds that measured it (the
     * mean of the middle two for an even count); problems are kept with their round. Missing only
     * when every round was.
     */
    public static SystemResult ofRounds(List<SystemResult> rounds) {
        if (rounds.isEmpty()) throw new IllegalArgumentException("no rounds");
        SystemResult first = rounds.get(0);
        SystemResult m = new SystemResult(first.id, first.title, first.cohort);
        m.notApplicable.putAll(first.notApplicable);
        List<SystemResult> measured = new ArrayList<>();
        for (SystemResult r : rounds) if (r.missingReason() == null) measured.add(r);
        if (measured.isEmpty()) {
            m.missing = first.missingReason();
            return m;
        }
        medians(measured, r -> r.latencyUs, m.latencyUs);
        medians(measured, r -> r.bandwidthMBps, m.bandwidthMBps);
        medians(measured, r -> r.allreduceUs, m.allreduceUs);
        List<Double> objects = new ArrayList<>();
        for (SystemResult r : measured) if (r.objectUs != null) objects.add(r.objectUs);
        m.objectUs = median(objects);
        TreeMap<String, List<Paired>> pairs = new TreeMap<>();
        for (SystemResult r : measured) for (Paired p : r.paired.values()) pairs.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p);
        for (List<Paired> same : pairs.values()) {
            Paired p = same.get(0);
            m.paired.put(p.key(), new Paired(p.reference(), p.bytes(), medianOf(same, Paired::cohortUs),
                    medianOf(same, Paired::referenceUs), medianOf(same, Paired::ratio)));
        }
        for (int i = 0; i < rounds.size(); i++) {
            SystemResult r = rounds.get(i);
            String prefix = rounds.size() > 1 ? "round " + (i + 1) + ": " : "";
            if (r.missingReason() != null) m.problems.add(prefix + "nothing measured: " + r.missingReason());
            else for (String p : r.problems) m.problems.add(prefix + p);
        }
        return m;
    }

    private static void medians(List<SystemResult> rounds, java.util.function.Function<SystemResult, Map<Long, Double>> curve,
                                Map<Long, Double> into) {
        TreeMap<Long, List<Double>> all = new TreeMap<>();
        for (SystemResult r : rounds) {
            for (Map.Entry<Long, Double> e : curve.apply(r).entrySet()) all.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
        for (Map.Entry<Long, List<Double>> e : all.entrySet()) into.put(e.getKey(), median(e.getValue()));
    }

    private static double medianOf(List<Paired> runs, java.util.function.ToDoubleFunction<Paired> field) {
        List<Double> v = new ArrayList<>();
        for (Paired p : runs) v.add(field.applyAsDouble(p));
        return median(v);
    }

    /** The median of the values, or null when there are none. */
    public static Double median(List<Double> values) {
        if (values.isEmpty()) return null;
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public boolean cohort() {
        return cohort;
    }

    /** Takes one result line: pingpong/latency rows, objlatency small-dict, allreduce rows, paired runs. Others are ignored. */
    public void accept(KvLine line) {
        switch (line.kind()) {
            case "pingpong":
            case "latency": {
                double bytes = line.number("bytes");
                double us = line.number("half_rtt_us");
                if (Double.isNaN(bytes) || Double.isNaN(us)) return;
                latencyUs.put((long) bytes, us);
                // bytes / half round trip, from the time itself: the printed MBps has one decimal,
                // which is 0.0 for a slow 1-byte message and would vanish from a log plot
                double mbps = us > 0 ? bytes / us : line.number("MBps");
                if (bytes > 0 && !Double.isNaN(mbps)) bandwidthMBps.put((long) bytes, mbps);
                return;
            }
            case "objlatency": {
                double us = line.number("half_rtt_us");
                if ("small-dict".equals(line.label()) && !Double.isNaN(us)) objectUs = us;
                return;
            }
            case "allreduce": {
                double doubles = line.number("doubles");
                if (Double.isNaN(doubles)) doubles = line.number("bytes") / 8; // Cohort's collective rows
                double us = line.number("us");
                if (Double.isNaN(us)) us = line.number("avg_us");
                if (!Double.isNaN(doubles) && !Double.isNaN(us)) allreduceUs.put((long) doubles, us);
                return;
            }
            case "paired": {
                String reference = line.get("reference");
                double bytes = line.number("bytes");
                double co = line.number("cohort_us");
                double ref = line.number("reference_us");
                double ratio = line.number("ratio");
                if (reference == null || Double.isNaN(bytes) || Double.isNaN(co) || Double.isNaN(ref) || Double.isNaN(ratio)) return;
                Paired p = new Paired(reference, (long) bytes, co, ref, ratio);
                paired.put(p.key(), p);
                return;
            }
            default:
        }
    }

    /** The figure, or null when it was not measured. */
    public Double value(Metric m) {
        switch (m) {
            case LATENCY_8B: return latencyUs.get(8L);
            case BW_1MIB: return bandwidthMBps.get(1L << 20);
            case BW_4MIB: return bandwidthMBps.get(4L << 20);
            case OBJECT: return objectUs;
            case ALLREDUCE_1: return allreduceUs.get(1L);
            case ALLREDUCE_1K: return allreduceUs.get(1024L);
            case ALLREDUCE_1M: return allreduceUs.get(1L << 20);
            default: throw new AssertionError(m);
        }
    }

    /** The paired runs, in the order of their reference and size. */
    public List<Paired> paired() {
        return List.copyOf(paired.values());
    }

    /** The paired run with this {@link Paired#key()}, or null. */
    Paired paired(String key) {
        return paired.get(key);
    }

    /** Half round trip in us by message size in bytes. */
    public Map<Long, Double> latencyCurve() {
        return Collections.unmodifiableMap(latencyUs);
    }

    /** Ping-pong bandwidth (bytes / half round trip) in MB/s (10^6 B/s) by message size. */
    public Map<Long, Double> bandwidthCurve() {
        return Collections.unmodifiableMap(bandwidthMBps);
    }

    /** Marks figures the system cannot have (MPI.OBJECT in C), with why; shown as "n/a". */
    public void notApplicable(Metric m, String why) {
        notApplicable.put(m.name(), why);
    }

    public String notApplicableReason(Metric m) {
        return notApplicable.get(m.name());
    }

    /** The whole system could not be measured, and why. */
    public void missing(String reason) {
        missing = reason;
    }

    /** Why the system is missing, or null when it was measured (maybe in part). */
    public String missingReason() {
        if (missing != null) return missing;
        if (latencyUs.isEmpty() && allreduceUs.isEmpty() && objectUs == null && paired.isEmpty()) {
            return problems.isEmpty() ? "no result lines" : String.join("; ", problems);
        }
        return null;
    }

    /** Something went wrong in one of the system's runs (a time-out, an exit code), kept for the report. */
    public void problem(String what) {
        problems.add(what);
    }

    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }
}
