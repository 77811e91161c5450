package dev.cohort.benchmarks;

import java.util.ArrayList;
import java.util.List;

/** The message sizes a run visits, OSU style: MIN, then doubling up to MAX; 0 is followed by 1. */
public final class Sizes {
    /** The largest message a benchmark accepts, in bytes (1 GiB: an array of it is still indexable). */
    public static final long LIMIT = 1L << 30;
    /** OSU's default largest size: 4 MiB. */
    public static final int DEFAULT_MAX = 4 << 20;

    private Sizes() {
    }

    /**
     * The sizes in bytes from {@code min} to {@code max}, stepping as OSU does; sizes that are not a
     * whole number of elements of {@code type} are left out (a double[] benchmark visits 0, 8, 16, ...).
     */
    public static int[] between(long min, long max, BufferType type) {
        List<Integer> out = new ArrayList<>();
        for (long s = min; s <= max; s = s == 0 ? 1 : s * 2) {
            if (s % type.elementSize() == 0) out.add((int) s);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The sizes the options ask for, with the benchmark's defaults for whatever they leave out. */
    public static int[] of(BenchOptions o, long defaultMin, long defaultMax) {
        long min = o.minBytes() != null ? o.minBytes() : defaultMin;
        long max = o.maxBytes() != null ? o.maxBytes() : defaultMax;
        if (min > max) {
            throw new UsageException("--sizes: MIN " + min + " is larger than MAX " + max);
        }
        int[] sizes = between(min, max, o.type());
        if (sizes.length == 0) {
            throw new UsageException("--sizes " + min + ":" + max + " holds no whole number of " + o.type().javaName()
                    + " elements (" + o.type().elementSize() + " bytes each)");
        }
        return sizes;
    }
}
