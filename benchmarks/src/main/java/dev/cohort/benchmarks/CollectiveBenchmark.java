package dev.cohort.benchmarks;

import dev.cohort.Comm;

/**
 * Base of the collective benchmarks (osu_allreduce, osu_bcast, osu_barrier, ...): a new collective
 * is one subclass that allocates its buffers and performs one call, plus its line in
 * {@link Benchmarks}. For example:
 *
 * <pre>{@code
 * final class AllreduceBenchmark extends CollectiveBenchmark {
 *     private double[] a, b;
 *     public String name() { return "allreduce"; }
 *     protected String title() { return "Allreduce Latency Test"; }
 *     protected void allocate(Comm comm, BufferType type, int maxBytes) { a = ...; b = ...; }
 *     protected void once(Comm comm, BufferType type, int count) { comm.allreduce(a, 0, b, 0, count, Op.SUM); }
 * }
 * }</pre>
 *
 * <p>Method, as OSU's: every rank times each call on its own clock and passes a barrier (the
 * communicator's, as OSU's MPI_Barrier) after it
 * ({@code --back-to-back} instead times a loop of calls, as the anchors' C allreduce does);
 * the row is the mean over ranks of each rank's mean call time, in microseconds (kv lines also carry
 * the fastest and slowest rank's mean). Sizes run from {@link #defaultMin} to 4 MiB; a benchmark
 * without a size (barrier) overrides {@link #sized()} and prints one value.
 */
public abstract class CollectiveBenchmark implements Benchmark {
    /**
     * OSU's collectives default to 1,000 iterations; a small collective takes about a microsecond
     * here, so 1,000 calls are a millisecond and one scheduler tick of a rank decides the row.
     */
    private static final Schedule SCHEDULE = new Schedule(10_000, 100, 1_000, 10);

    @Override
    public int minRanks() {
        return 1;
    }

    /** "Allreduce Latency Test", ... */
    protected abstract String title();

    /** Allocates buffers for messages up to {@code maxBytes} (0 for a benchmark without sizes). */
    protected abstract void allocate(Comm comm, BufferType type, int maxBytes);

    /** One collective call on {@code count} elements (0 for a benchmark without sizes). */
    protected abstract void once(Comm comm, BufferType type, int count);

    /** False for a collective that moves no data (barrier): one row, no size column. */
    protected boolean sized() {
        return true;
    }

    /** Smallest default size in bytes: one element. */
    protected long defaultMin(BufferType type) {
        return type.elementSize();
    }

    /** Iterations and warm-up by size (OSU's collective defaults: 1000 / 100 above 8 KiB). */
    protected Schedule schedule() {
        return SCHEDULE;
    }

    @Override
    public void validate(BenchOptions options) {
        if (sized()) Sizes.of(options, defaultMin(options.type()), Sizes.DEFAULT_MAX);
        else if (options.minBytes() != null || options.maxBytes() != null) {
            throw new UsageException(name() + " moves no data; --sizes does not apply");
        }
    }

    @Override
    public void run(Comm comm, BenchOptions options, Report report) {
        BufferType type = options.type();
        int[] sizes = sized() ? Sizes.of(options, defaultMin(type), Sizes.DEFAULT_MAX) : new int[]{0};
        report.header(title(), sized() ? "datatype: " + type.javaName() : "", sized() ? "Size" : null, "Avg Latency(us)");
        allocate(comm, type, sizes[sizes.length - 1]);
        Schedule s = schedule();
        Schedule.prewarm(comm, options, true, () -> {
            // many short calls, not a few long ones: C2 then compiles the timed loop as a method (as
            // the rows call it) rather than only through on-stack replacement
            for (int k = 0; k < Schedule.JIT_FACTOR; k++) {
                for (int i = sizes.length - 1; i >= 0; i--) {
                    // the loop the rows time: warming the other one left this one to compile mid-row
                    int count = type.count(sizes[i]), warmup = s.warmup(options, sizes[i]);
                    // half of it as the loop's own warm-up: a prewarm that never took the loop's
                    // warm-up branch left C2 a trap there, and the first row deoptimized the loop
                    int half = warmup / 2;
                    if (options.backToBack()) backToBack(comm, type, count, half, warmup - half);
                    else timed(comm, type, count, half, warmup - half);
                }
            }
        });
        Schedule.settle();
        for (int bytes : sizes) {
            int count = type.count(bytes);
            int iterations = s.iterations(options, bytes);
            int warmup = s.warmup(options, bytes);
            Sync.barrier(comm);
            double meanUs = (options.backToBack() ? backToBack(comm, type, count, warmup, iterations)
                    : timed(comm, type, count, warmup, iterations)) / 1e3 / iterations;
            double[] all = Sync.gather(comm, meanUs);
            if (all != null) {
                double sum = 0, min = Double.MAX_VALUE, max = 0;
                for (double v : all) {
                    sum += v;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                double avg = sum / all.length;
                report.row(sized() ? Integer.toString(bytes) : null, avg,
                        (sized() ? "bytes=" + bytes + " " : "") + "avg_us=" + Report.num("%.3f", avg)
                                + " min_us=" + Report.num("%.3f", min) + " max_us=" + Report.num("%.3f", max)
                                + " iters=" + iterations + (sized() ? PairBenchmark.typeSuffix(options) : ""));
            }
        }
        Sync.barrier(comm);
    }

    /** Total time of {@code iterations} calls made back to back after {@code warmup} untimed ones, in nanoseconds. */
    private long backToBack(Comm comm, BufferType type, int count, int warmup, int iterations) {
        for (int i = 0; i < warmup; i++) once(comm, type, count);
        Sync.barrier(comm);
        long t0 = System.nanoTime();
        for (int i = 0; i < iterations; i++) once(comm, type, count);
        return System.nanoTime() - t0;
    }

    /** This rank's total time in calls over the timed iterations, in nanoseconds. */
    private long timed(Comm comm, BufferType type, int count, int warmup, int iterations) {
        long total = 0;
        for (int i = 0, n = warmup + iterations; i < n; i++) {
            long t0 = System.nanoTime();
            once(comm, type, count);
            long t1 = System.nanoTime();
            if (i >= warmup) total += t1 - t0;
            comm.barrier();   // as OSU: MPI_Barrier between calls
        }
        return total;
    }
}
