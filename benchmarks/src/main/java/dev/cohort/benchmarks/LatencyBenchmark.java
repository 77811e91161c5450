package dev.cohort.benchmarks;

import dev.cohort.Comm;

/**
 * Ping-pong latency (OSU's osu_latency): rank 0 sends, rank 1 receives and sends back with blocking
 * calls; the latency is half the mean round trip, in microseconds. Default sizes 0 B to 4 MiB.
 */
final class LatencyBenchmark extends PairBenchmark {
    private static final Schedule SCHEDULE = new Schedule(10_000, 1_000, 1_000, 100);

    @Override
    public String name() {
        return "latency";
    }

    @Override
    protected String title() {
        return "Latency Test";
    }

    @Override
    protected String column() {
        return "Latency (us)";
    }

    @Override
    protected long defaultMin(BufferType type) {
        return 0;
    }

    @Override
    protected Schedule schedule() {
        return SCHEDULE;
    }

    @Override
    protected long timed(Comm comm, BufferType type, int count, int warmup, int iterations) {
        Object s = sendBuf, r = recvBuf;
        boolean first = comm.rank() == 0;
        long start = 0;
        for (int i = 0, n = warmup + iterations; i < n; i++) {
            if (i == warmup) start = System.nanoTime();
            if (first) {
                type.send(comm, s, count, 1, DATA_TAG);
                type.recv(comm, r, count, 1, DATA_TAG);
            } else {
                type.recv(comm, r, count, 0, DATA_TAG);
                type.send(comm, s, count, 0, DATA_TAG);
            }
        }
        return System.nanoTime() - start;
    }

    @Override
    protected void report(Report report, BenchOptions options, int bytes, int iterations, long nanos) {
        double halfRttUs = nanos / 1e3 / (2.0 * iterations);
        double mbps = halfRttUs > 0 ? bytes / halfRttUs : 0;   // bytes per microsecond = MB/s
        report.row(Integer.toString(bytes), halfRttUs,
                "bytes=" + bytes + " half_rtt_us=" + Report.num("%.3f", halfRttUs) + " MBps=" + Report.num("%.1f", mbps)
                        + " iters=" + iterations + typeSuffix(options));
    }
}
