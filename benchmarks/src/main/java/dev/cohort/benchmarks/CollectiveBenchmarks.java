package dev.cohort.benchmarks;

import dev.cohort.Comm;
import dev.cohort.Op;

/**
 * The collective benchmarks (osu_allreduce, osu_reduce, osu_bcast, osu_allgather, osu_alltoall,
 * osu_barrier): each allocates its buffers once and makes one call per iteration. Reductions use SUM.
 * With {@code --type double} counts are in doubles (bytes / 8), as in the anchors' allreduce figures.
 */
final class CollectiveBenchmarks {
    private CollectiveBenchmarks() {
    }

    /** Allocates a buffer of the type for {@code bytes} bytes. */
    private static Object buffer(BufferType type, long bytes) {
        return type.allocate((int) Math.min(bytes, Integer.MAX_VALUE));
    }

    static final class Allreduce extends CollectiveBenchmark {
        private Object a, b;

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
            a = buffer(type, maxBytes);
            b = buffer(type, maxBytes);
        }

        @Override
        protected void once(Comm comm, BufferType type, int count) {
            if (a instanceof double[]) comm.allreduce((double[]) a, 0, (double[]) b, 0, count, Op.SUM);
            else comm.allreduce((byte[]) a, 0, (byte[]) b, 0, count, Op.SUM);
        }
    }

    static final class Reduce extends CollectiveBenchmark {
        private Object a, b;

        @Override
        public String name() {
            return "reduce";
        }

        @Override
        protected String title() {
            return "Reduce Latency Test";
        }

        @Override
        protected void allocate(Comm comm, BufferType type, int maxBytes) {
            a = buffer(type, maxBytes);
            b = buffer(type, maxBytes);
        }

        @Override
        protected void once(Comm comm, BufferType type, int count) {
            if (a instanceof double[]) comm.reduce((double[]) a, 0, (double[]) b, 0, count, Op.SUM, 0);
            else comm.reduce((byte[]) a, 0, (byte[]) b, 0, count, Op.SUM, 0);
        }
    }

    static final class Bcast extends CollectiveBenchmark {
        private Object a;

        @Override
        public String name() {
            return "bcast";
        }

        @Override
        protected String title() {
            return "Broadcast Latency Test";
        }

        @Override
        protected void allocate(Comm comm, BufferType type, int maxBytes) {
            a = buffer(type, maxBytes);
        }

        @Override
        protected void once(Comm comm, BufferType type, int count) {
            if (a instanceof double[]) comm.bcast((double[]) a, 0, count, 0);
            else comm.bcast((byte[]) a, 0, count, 0);
        }
    }

    static final class Allgather extends CollectiveBenchmark {
        private Object a, b;

        @Override
        public String name() {
            return "allgather";
        }

        @Override
        protected String title() {
            return "Allgather Latency Test";
        }

        @Override
        protected void allocate(Comm comm, BufferType type, int maxBytes) {
            a = buffer(type, maxBytes);
            b = buffer(type, (long) maxBytes * comm.size());
        }

        @Override
        protected void once(Comm comm, BufferType type, int count) {
            if (a instanceof double[]) comm.allgather((double[]) a, 0, count, (double[]) b, 0);
            else comm.allgather((byte[]) a, 0, count, (byte[]) b, 0);
        }
    }

    static final class Alltoall extends CollectiveBenchmark {
        private Object a, b;

        @Override
        public String name() {
            return "alltoall";
        }

        @Override
        protected String title() {
            return "All-to-All Personalized Exchange Latency Test";
        }

        @Override
        protected void allocate(Comm comm, BufferType type, int maxBytes) {
            a = buffer(type, (long) maxBytes * comm.size());
            b = buffer(type, (long) maxBytes * comm.size());
        }

        @Override
        protected void once(Comm comm, BufferType type, int count) {
            if (a instanceof double[]) comm.alltoall((double[]) a, 0, (double[]) b, 0, count);
            else comm.alltoall((byte[]) a, 0, (byte[]) b, 0, count);
        }
    }

    static final class Barrier extends CollectiveBenchmark {
        @Override
        public String name() {
            return "barrier";
        }

        @Override
        protected String title() {
            return "Barrier Latency Test";
        }

        @Override
        protected boolean sized() {
            return false;
        }

        @Override
        protected void allocate(Comm comm, BufferType type, int maxBytes) {
        }

        @Override
        protected void once(Comm comm, BufferType type, int count) {
            comm.barrier();
        }
    }
}
