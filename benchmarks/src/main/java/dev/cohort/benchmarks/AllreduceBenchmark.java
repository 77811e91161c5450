package dev.cohort.benchmarks;

import dev.cohort.Comm;
import dev.cohort.Op;

/**
 * osu_allreduce: one {@code allreduce} with {@link Op#SUM} per iteration, from one array into
 * another. With {@code --type double} (what {@code bench compare} uses, as the anchors do) the
 * arrays are {@code double[]}; with the default {@code byte} they are {@code byte[]}.
 */
final class AllreduceBenchmark extends CollectiveBenchmark {
    private Object send;
    private Object recv;

    @Override
    public String name() {
        return "allreduce";
    }

    @Override
    protected String title() {
        return "Allreduce Latency Test";
    }

    @Override
    protected void allocate(Comm comm, BufferType type, int maxBytes) {
        send = type.allocate(maxBytes);
        recv = type.allocate(maxBytes);
    }

    @Override
    protected void once(Comm comm, BufferType type, int count) {
        if (type == BufferType.DOUBLE) comm.allreduce((double[]) send, 0, (double[]) recv, 0, count, Op.SUM);
        else comm.allreduce((byte[]) send, 0, (byte[]) recv, 0, count, Op.SUM);
    }
}
