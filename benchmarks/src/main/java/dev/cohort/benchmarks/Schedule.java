package dev.cohort.benchmarks;

/**
 * How many timed and warm-up iterations a benchmark runs at each size. Like OSU, sizes above
 * {@link #LARGE} bytes get fewer iterations; --iterations and --warmup override both.
 *
 * <p>Warm-up counts are higher than OSU's (whose C code needs none for a compiler): the JVM must see a
 * path thousands of times before C2 compiles it. Before the first row a run additionally does
 * {@link #JIT_FACTOR} times the warm-up of its smallest and of its largest size, untimed (small and
 * large messages take different paths), so no row is a measurement of the interpreter.
 */
public final class Schedule {
    /** OSU's LARGE_MESSAGE_SIZE: sizes above it are "large". */
    public static final int LARGE = 8192;
    /** Multiplier of the first size's warm-up (see the class comment). */
    public static final int JIT_FACTOR = 10;
    /** How long {@link #settle()} pauses. */
    static final long SETTLE_MILLIS = 250;

    private final int smallIterations;
    private final int largeIterations;
    private final int smallWarmup;
    private final int largeWarmup;

    public Schedule(int smallIterations, int largeIterations, int smallWarmup, int largeWarmup) {
        this.smallIterations = smallIterations;
        this.largeIterations = largeIterations;
        this.smallWarmup = smallWarmup;
        this.largeWarmup = largeWarmup;
    }

    /** Timed iterations at {@code bytes}: --iterations, else by size. */
    public int iterations(BenchOptions o, int bytes) {
        if (o.iterations() != null) return o.iterations();
        return bytes > LARGE ? largeIterations : smallIterations;
    }

    /** Warm-up iterations at {@code bytes}: --warmup, else by size. */
    public int warmup(BenchOptions o, int bytes) {
        if (o.warmup() != null) return o.warmup();
        return bytes > LARGE ? largeWarmup : smallWarmup;
    }

    /**
     * Pauses after a pre-warm so that the compilations it queued finish before timing starts: on a
     * 2-core machine a C2 compiler thread that is still working takes a core from a rank, and the
     * first row measured 10x too slow.
     */
    public static void settle() {
        try {
            Thread.sleep(SETTLE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Untimed iterations before the first size of a run. */
    public int jitWarmup(BenchOptions o, int bytes) {
        return JIT_FACTOR * warmup(o, bytes);
    }
}
