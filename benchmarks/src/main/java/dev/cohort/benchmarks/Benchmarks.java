package dev.cohort.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The benchmarks BenchMain knows, by name. Adding one is a class and a line here; the collectives
 * (allreduce, reduce, bcast, allgather, alltoall, barrier) are {@link CollectiveBenchmark}s.
 */
public final class Benchmarks {
    private static final List<Supplier<Benchmark>> ALL = List.of(
            LatencyBenchmark::new,
            () -> new BandwidthBenchmark(false),
            () -> new BandwidthBenchmark(true),
            ObjectLatencyBenchmark::new,
            CollectiveBenchmarks.Allreduce::new,
            CollectiveBenchmarks.Reduce::new,
            CollectiveBenchmarks.Bcast::new,
            CollectiveBenchmarks.Allgather::new,
            CollectiveBenchmarks.Alltoall::new,
            CollectiveBenchmarks.Barrier::new);

    private Benchmarks() {
    }

    /** The known names, in listing order. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (Supplier<Benchmark> s : ALL) out.add(s.get().name());
        return out;
    }

    /**
     * A maker of fresh instances of the named benchmark (one per rank), or null when the name is
     * unknown.
     */
    public static Supplier<Benchmark> find(String name) {
        for (Supplier<Benchmark> s : ALL) {
            if (s.get().name().equals(name)) return s;
        }
        return null;
    }
}
