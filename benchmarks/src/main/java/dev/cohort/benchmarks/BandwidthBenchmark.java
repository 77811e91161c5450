package dev.cohort.benchmarks;

import dev.cohort.Comm;
import dev.cohort.Request;

/**
 * Windowed bandwidth, OSU's osu_bw and osu_bibw. Uni-directional (bw): each iteration rank 0 starts
 * a window of nonblocking sends (64 by default), waits for them, and waits for rank 1's 4-byte
 * acknowledgement, sent once rank 1's window of receives completed. Bi-directional (bibw): both ranks
 * post a window of receives and a window of sends each iteration and wait for all. Bandwidth is bytes
 * moved over rank 0's elapsed time, in MB/s with MB = 10^6 bytes. Default sizes 1 B (8 B for doubles)
 * to 4 MiB.
 */
final class BandwidthBenchmark extends PairBenchmark {
    static final int DEFAULT_WINDOW = 64;
    private static final Schedule SCHEDULE = new Schedule(100, 20, 10, 2);

    private final boolean bidirectional;
    private int window = DEFAULT_WINDOW;
    private Request[] sends;
    private Request[] recvs;
    private final byte[] ack = new byte[4];

    BandwidthBenchmark(boolean bidirectional) {
        this.bidirectional = bidirectional;
    }

    @Override
    public String name() {
        return bidirectional ? "bibw" : "bw";
    }

    @Override
    protected String title() {
        return bidirectional ? "Bi-Directional Bandwidth Test" : "Bandwidth Test";
    }

    @Override
    protected String column() {
        return "Bandwidth (MB/s)";
    }

    @Override
    protected long defaultMin(BufferType type) {
        return type.elementSize();
    }

    @Override
    protected Schedule schedule() {
        return SCHEDULE;
    }

    @Override
    public void run(Comm comm, BenchOptions options, Report report) {
        if (options.window() != null) window = options.window();
        sends = new Request[window];
        recvs = new Request[window];
        super.run(comm, options, report);
    }

    @Override
    protected String details(BenchOptions options) {
        return super.details(options) + ", window: " + window;
    }

    @Override
    protected long timed(Comm comm, BufferType type, int count, int warmup, int iterations) {
        boolean first = comm.rank() == 0;
        int peer = 1 - comm.rank();
        long start = 0;
        for (int i = 0, n = warmup + iterations; i < n; i++) {
            if (i == warmup) start = System.nanoTime();
            if (bidirectional) {
                for (int j = 0; j < window; j++) recvs[j] = type.irecv(comm, recvBuf, count, peer, DATA_TAG);
                for (int j = 0; j < window; j++) sends[j] = type.isend(comm, sendBuf, count, peer, DATA_TAG);
                Request.waitAll(sends);
                Request.waitAll(recvs);
            } else if (first) {
                for (int j = 0; j < window; j++) sends[j] = type.isend(comm, sendBuf, count, peer, DATA_TAG);
                Request.waitAll(sends);
                comm.recv(ack, 0, ack.length, peer, ACK_TAG);
            } else {
                for (int j = 0; j < window; j++) recvs[j] = type.irecv(comm, recvBuf, count, peer, DATA_TAG);
                Request.waitAll(recvs);
                comm.send(ack, 0, ack.length, peer, ACK_TAG);
            }
        }
        return System.nanoTime() - start;
    }

    @Override
    protected void report(Report report, BenchOptions options, int bytes, int iterations, long nanos) {
        double moved = (double) bytes * iterations * window * (bidirectional ? 2 : 1);
        double mbps = nanos > 0 ? moved / (nanos / 1e9) / 1e6 : 0;
        report.row(Integer.toString(bytes), mbps,
                "bytes=" + bytes + " MBps=" + Report.num("%.1f", mbps) + " window=" + window + " iters=" + iterations
                        + typeSuffix(options));
    }
}
