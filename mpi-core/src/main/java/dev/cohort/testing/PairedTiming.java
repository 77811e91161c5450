package dev.cohort.testing;

import dev.cohort.Comm;

import java.util.Arrays;
import java.util.Locale;

/**
 * Pieces of the transports' paired latency tools ({@code PairedLatency} of transports/openmpi and
 * transports/ffm), which time Cohort and a reference in alternating blocks of one job: a block of
 * Cohort's ping-pong, each block's ratio to the reference blocks around it, the median and range of a
 * series, and the result line {@code bench compare} reads.
 */
public final class PairedTiming {
    private PairedTiming() {
    }

    /**
     * Half the mean round trip, in microseconds, of {@code trips} blocking ping-pongs of {@code bytes}
     * bytes of {@code buf} between ranks 0 and 1 of {@code w} (rank 0 sends first; rank 1 sends back
     * what it received). Other ranks return 0 at once.
     */
    public static double cohortPingPong(Comm w, byte[] buf, int bytes, int tag, int trips) {
        int rank = w.rank();
        if (rank > 1) return 0;
        int peer = 1 - rank;
        long t0 = System.nanoTime();
        for (int i = 0; i < trips; i++) {
            if (rank == 0) {
                w.send(buf, 0, bytes, peer, tag);
                w.recv(buf, 0, bytes, peer, tag);
            } else {
                w.recv(buf, 0, bytes, peer, tag);
                w.send(buf, 0, bytes, peer, tag);
            }
        }
        return (System.nanoTime() - t0) / 1e3 / trips / 2;
    }

    /**
     * The tools' positional argument {@code i} as an int of at least {@code min}, or {@code fallback}
     * when absent; names the argument in the error when it is not one.
     */
    public static int arg(String[] args, int i, String name, int min, int fallback) {
        if (args.length <= i) return fallback;
        try {
            int v = Integer.parseInt(args[i].trim());
            if (v >= min) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be an integer of at least " + min + ", not '" + args[i] + "'");
    }

    /** The mean time per call, in microseconds, of {@code calls} allreduces (SUM) of {@code send} into {@code recv} on {@code w}. */
    public static double cohortAllreduce(Comm w, double[] send, double[] recv, int calls) {
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) w.allreduce(send, recv, dev.cohort.Op.SUM);
        return (System.nanoTime() - t0) / 1e3 / calls;
    }

    /**
     * Each block's time over the mean of the reference blocks timed just before and after it:
     * {@code measured[b] / ((around[b] + around[b + 1]) / 2)}; {@code around} has one more element.
     */
    public static double[] ratios(double[] measured, double[] around) {
        if (around.length != measured.length + 1) {
            throw new IllegalArgumentException("around needs " + (measured.length + 1) + " blocks, not " + around.length);
        }
        double[] r = new double[measured.length];
        for (int b = 0; b < r.length; b++) r[b] = measured[b] / ((around[b] + around[b + 1]) / 2);
        return r;
    }

    /**
     * The result line of a paired run, in the key=value style of {@code bench compare}:
     * {@code cohort paired transport=T bytes=B reference=R cohort_us=.. reference_us=.. ratio=..
     * ratio_min=.. ratio_max=.. blocks=N}, where the times are the medians of the blocks and the
     * ratios those of {@link #ratios}{@code (cohort, around)}. {@code reference} is one word naming what
     * Cohort was timed against.
     */
    public static String resultLine(String transport, int bytes, String reference, double[] cohort, double[] around) {
        if (reference.isEmpty() || reference.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("the reference must be one word, not '" + reference + "'");
        }
        double[] r = ratios(cohort, around);
        return String.format(Locale.ROOT,
                "cohort paired transport=%s bytes=%d reference=%s cohort_us=%.4f reference_us=%.4f ratio=%.4f ratio_min=%.4f"
                        + " ratio_max=%.4f blocks=%d",
                transport, bytes, reference, median(cohort), median(around), median(r),
                Arrays.stream(r).min().orElse(Double.NaN), Arrays.stream(r).max().orElse(Double.NaN), r.length);
    }

    /** "median M (blocks LO-HI)" of a series of per-block ratios, three decimals. */
    public static String summary(double[] ratios) {
        return String.format(Locale.ROOT, "median %.3f (blocks %.3f-%.3f)", median(ratios),
                Arrays.stream(ratios).min().orElse(Double.NaN), Arrays.stream(ratios).max().orElse(Double.NaN));
    }

    /** The median of {@code a} (the mean of the middle two for an even length); NaN when empty. */
    public static double median(double[] a) {
        if (a.length == 0) return Double.NaN;
        double[] s = a.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
