package dev.cohort.benchmarks;

import dev.cohort.Comm;

/**
 * One benchmark of {@link BenchMain}. Every rank runs {@link #run} with its own instance (the
 * registry makes one per rank), so an implementation may keep its buffers in fields. The same body
 * runs on thread ranks (local transport) and on process ranks under a native launcher.
 */
public interface Benchmark {
    /** The command-line name: latency, bw, ... */
    String name();

    /** Fewest ranks the benchmark runs on. */
    int minRanks();

    /**
     * Checks the options before any rank starts (sizes, type), so a bad command line is a usage error
     * and not a failed job.
     *
     * @throws UsageException when the options do not suit this benchmark
     */
    default void validate(BenchOptions options) {
    }

    /**
     * Runs the benchmark on this rank and reports through {@code report} (which prints on rank 0 only).
     * Every rank of {@code comm} must call it.
     */
    void run(Comm comm, BenchOptions options, Report report);
}
