package dev.cohort.benchmarks;

import dev.cohort.Comm;
import dev.cohort.ObjectRequest;
import dev.cohort.Status;

import java.util.List;

/**
 * Object ping-pong latency through sendObject / recvObject (the session's codec; on the local
 * transport these JDK-only objects travel as copies unless -Dcohort.objects.copy=false): half the mean round
 * trip of the same objects as the anchors (mpi4py pickle, MPJ Express MPI.OBJECT), with their row
 * names: "small-dict", the map {a:1, b:[1,2,3], c:"hello"}, and "list10k", an ArrayList of 10,000
 * Doubles. Each rank sends back the object it decoded, so every iteration encodes and decodes twice.
 */
final class ObjectLatencyBenchmark implements Benchmark {
    private static final int TAG = 3;

    /**
     * A named object and its iteration schedule. The anchors time 5,000 and 500 round trips; the small
     * map here times 50,000, because 5,000 of them last 10-100 ms, and on this kind of shared 2-core
     * machine a row that short is decided by the one multi-millisecond scheduling stall it happens to
     * contain (the same row read 1.8 and 8.1 us in consecutive runs). list10k's warm-up is long
     * because its serializer loops need several seconds of calls before C2 has compiled them on a
     * 2-core machine where the waiting rank spins: with 100 (1,100 round trips with the pre-warm) its
     * row measured 3-4x slower than with 300.
     */
    static final class Case {
        final String name;
        final Object value;
        final int iterations;
        final int warmup;

        Case(String name, Object value, int iterations, int warmup) {
            this.name = name;
            this.value = value;
            this.iterations = iterations;
            this.warmup = warmup;
        }
    }

    static List<Case> cases() {
        return List.of(new Case("small-dict", SampleObjects.smallDict(), 50_000, 1_000),
                new Case("list10k", SampleObjects.list10k(), 500, 300));
    }

    @Override
    public String name() {
        return "objlatency";
    }

    @Override
    public int minRanks() {
        return 2;
    }

    @Override
    public void validate(BenchOptions options) {
        if (options.minBytes() != null || options.maxBytes() != null) {
            throw new UsageException("objlatency sends fixed objects; --sizes does not apply");
        }
        if (options.type() != BufferType.BYTE) {
            throw new UsageException("objlatency sends objects; --type does not apply");
        }
    }

    @Override
    public void run(Comm comm, BenchOptions options, Report report) {
        boolean active = comm.rank() < 2;
        report.header("Object Latency Test", comm.session().copiesObjects()
                ? "objects: JDK values copied in the JVM, others encoded (sendObject/recvObject; -Dcohort.objects.copy=false encodes all)"
                : "codec: session (sendObject/recvObject)", "Object", "Latency (us)");
        List<Case> cases = cases();
        for (Case c : cases) {
            int iterations = options.iterations() != null ? options.iterations() : c.iterations;
            int warmup = options.warmup() != null ? options.warmup() : c.warmup;
            // each object exercises its own serializers, which C2 compiles only after many calls
            Schedule.prewarm(comm, options, active, () -> {
                for (int k = 0; k < Schedule.JIT_FACTOR; k++) timed(comm, c.value, 0, warmup);
            });
            if (active) Schedule.settle();
            Sync.barrier(comm);
            long nanos = active ? timed(comm, c.value, warmup, iterations) : 0;
            int encoded = active ? verify(comm, c) : 0;
            if (comm.rank() == 0) {
                double halfRttUs = nanos / 1e3 / (2.0 * iterations);
                // copied messages (local transport) are not encoded: their status counts 0 bytes
                report.row(c.name, halfRttUs, c.name + " encoded_bytes=" + encoded + " half_rtt_us="
                        + Report.num("%.2f", halfRttUs) + " iters=" + iterations
                        + " path=" + (comm.session().copiesObjects() && encoded == 0 ? "copy" : "codec"));
            }
        }
        Sync.barrier(comm);
    }

    private static long timed(Comm comm, Object value, int warmup, int iterations) {
        boolean first = comm.rank() == 0;
        Object obj = value;
        long start = 0;
        for (int i = 0, n = warmup + iterations; i < n; i++) {
            if (i == warmup) start = System.nanoTime();
            if (first) {
                comm.sendObject(obj, 1, TAG);
                obj = comm.recvObject(1, TAG);
            } else {
                obj = comm.recvObject(0, TAG);
                comm.sendObject(obj, 0, TAG);
            }
        }
        return System.nanoTime() - start;
    }

    /**
     * One more, untimed round trip that checks the object came back equal and returns the size of its
     * encoding (the count of the object message's status; 0 when it travelled as a copy).
     */
    private static int verify(Comm comm, Case c) {
        int peer = 1 - comm.rank();
        if (comm.rank() == 0) comm.sendObject(c.value, peer, TAG);
        ObjectRequest<Object> r = comm.irecvObject(peer, TAG);
        Status s = r.await();
        Object back = r.value();
        if (comm.rank() == 1) comm.sendObject(back, peer, TAG);
        if (!c.value.equals(back)) {
            throw new IllegalStateException("objlatency: " + c.name + " came back changed: " + abbreviate(back));
        }
        return s.count();
    }

    private static String abbreviate(Object o) {
        String s = String.valueOf(o);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
