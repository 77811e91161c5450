package dev.cohort.benchmarks;

import dev.cohort.Comm;

/**
 * A point-to-point benchmark between ranks 0 and 1 over a range of sizes (ranks above 1 only take
 * part in the barriers, as in OSU's two-process tests). Subclasses give the timed loop; this class
 * gives the sizes, buffers, warm-up, synchronization and printing.
 */
abstract class PairBenchmark implements Benchmark {
    /** Tag of the data messages. */
    static final int DATA_TAG = 1;
    /** Tag of bw's acknowledgement. */
    static final int ACK_TAG = 2;

    /** Send and receive buffers at the largest size; subclasses may add their own in {@link #allocate}. */
    protected Object sendBuf;
    protected Object recvBuf;

    @Override
    public int minRanks() {
        return 2;
    }

    /** "Latency Test", "Bandwidth Test", ... */
    protected abstract String title();

    /** The value column: "Latency (us)", "Bandwidth (MB/s)". */
    protected abstract String column();

    /** Smallest default size in bytes for this element type. */
    protected abstract long defaultMin(BufferType type);

    protected abstract Schedule schedule();

    /** Allocates the buffers for messages up to {@code maxBytes} (called once, on ranks 0 and 1). */
    protected void allocate(BufferType type, int maxBytes) {
        sendBuf = type.allocate(maxBytes);
        recvBuf = type.allocate(maxBytes);
    }

    /**
     * Runs {@code warmup} untimed then {@code iterations} timed iterations at {@code count} elements,
     * on rank 0 and rank 1 (the peer is {@code 1 - rank}), and returns rank 0's elapsed nanoseconds of
     * the timed part.
     */
    protected abstract long timed(Comm comm, BufferType type, int count, int warmup, int iterations);

    /** Prints the row for one size (on rank 0). */
    protected abstract void report(Report report, BenchOptions options, int bytes, int iterations, long nanos);

    /** The header's details after the transport and rank count. */
    protected String details(BenchOptions options) {
        return "datatype: " + options.type().javaName();
    }

    @Override
    public void validate(BenchOptions options) {
        Sizes.of(options, defaultMin(options.type()), Sizes.DEFAULT_MAX);
    }

    @Override
    public void run(Comm comm, BenchOptions options, Report report) {
        BufferType type = options.type();
        int[] sizes = Sizes.of(options, defaultMin(type), Sizes.DEFAULT_MAX);
        boolean active = comm.rank() < 2;
        report.header(title(), details(options), "Size", column());
        if (active) allocate(type, sizes[sizes.length - 1]);
        Schedule s = schedule();
        // Every size, ten times its warm-up, largest first: sizes take different paths (inline, ring,
        // eager copy, rendezvous), and C2 must have compiled each (with the branch profile of all of
        // them) before the first timed row, or a row measures a deoptimization.
        Schedule.prewarm(comm, options, active, () -> {
            // many short calls, not a few long ones: C2 then compiles the timed loop as a method (as
            // the rows call it) rather than only through on-stack replacement
            for (int k = 0; k < Schedule.JIT_FACTOR; k++) {
                for (int i = sizes.length - 1; i >= 0; i--) timed(comm, type, type.count(sizes[i]), 0, s.warmup(options, sizes[i]));
            }
        });
        if (active) Schedule.settle();
        for (int bytes : sizes) {
            int iterations = s.iterations(options, bytes);
            int warmup = s.warmup(options, bytes);
            Sync.barrier(comm);
            long nanos = active ? timed(comm, type, type.count(bytes), warmup, iterations) : 0;
            if (comm.rank() == 0) report(report, options, bytes, iterations, nanos);
        }
        Sync.barrier(comm);
    }

    /** " type=double" for a double[] run, "" for byte[] (the default); for kv lines. */
    static String typeSuffix(BenchOptions o) {
        return o.type() == BufferType.BYTE ? "" : " type=" + o.type().name().toLowerCase(java.util.Locale.ROOT);
    }
}
