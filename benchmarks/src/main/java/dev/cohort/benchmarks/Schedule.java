package dev.cohort.benchmarks;

import dev.cohort.Comm;

/**
 * How many timed and warm-up iterations a benchmark runs at each size. Like OSU, sizes above
 * {@link #LARGE} bytes get fewer iterations; --iterations and --warmup override both.
 *
 * <p>Warm-up counts are higher than OSU's (whose C code needs none for a compiler): the JVM must see a
 * path thousands of times before C2 compiles it. Before the first row a run additionally does
 * {@link #JIT_FACTOR} rounds of every size's warm-up, untimed (sizes take different paths),
 * repeated for at least --prewarm-ms (see {@link #prewarm}), so no row is a measurement of the
 * interpreter or of code C2 has yet to finish.
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

    /** The prewarm ends once this many chunks in a row took at most {@link #SPREAD} times the best one. */
    static final int STABLE_CHUNKS = 5;
    static final double SPREAD = 1.10;
    /** The prewarm gives up waiting for stable chunk times after this many times --prewarm-ms. */
    static final int MAX_FACTOR = 10;

    /**
     * Runs {@code chunk} (untimed iterations, on the ranks where {@code active}) once and then again
     * until rank 0 has spent --prewarm-ms in it and its times have settled ({@value #STABLE_CHUNKS}
     * chunks in a row within 10% of the best), or ten times --prewarm-ms have passed. A count alone
     * is too few calls when each is fast (on a 2-core machine whose cores both spin in ranks, C2 takes
     * seconds to compile the codec, and times jump around meanwhile) and needlessly many when each is
     * slow. Every rank of {@code comm} must call it; rank 0 decides and broadcasts whether to go on.
     */
    public static void prewarm(Comm comm, BenchOptions options, boolean active, Runnable chunk) {
        long limit = options.prewarmMillis() * 1_000_000L;
        long start = System.nanoTime();
        long best = Long.MAX_VALUE;
        long[] recent = new long[STABLE_CHUNKS];
        int done = 0;
        int[] more = new int[1];
        do {
            long t0 = System.nanoTime();
            if (active) chunk.run();
            long t1 = System.nanoTime();
            recent[done++ % STABLE_CHUNKS] = t1 - t0;
            best = Math.min(best, t1 - t0);
            boolean settled = done >= STABLE_CHUNKS;
            for (long r : recent) settled &= r <= best * SPREAD;
            long spent = t1 - start;
            more[0] = spent < limit || (!settled && spent < MAX_FACTOR * limit) ? 1 : 0;
            if (limit > 0) comm.bcast(more, 0);
            // what the rows do between their timed loops: without it the rows' first Sync (the first
            // point-to-point message of a collective benchmark) met code compiled for a transport
            // that had never carried one and deoptimized every wait loop, and the first row read
            // 3-9 us for an allreduce of 8 bytes whose later rows read 0.6
            Sync.barrier(comm);
            Sync.gather(comm, 0);
        } while (more[0] != 0);
    }
}
