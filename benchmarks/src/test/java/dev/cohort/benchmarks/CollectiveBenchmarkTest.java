package dev.cohort.benchmarks;

import dev.cohort.Comm;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The collective driver, with stand-in collectives built from point-to-point calls. */
class CollectiveBenchmarkTest {
    /** A "collective" that passes a buffer around a ring: every rank sends right and receives from the left. */
    static final class RingShift extends CollectiveBenchmark {
        static final AtomicInteger CALLS = new AtomicInteger();
        private Object a, b;

        @Override
        public String name() {
            return "ringshift";
        }

        @Override
        protected String title() {
            return "Ring Shift Latency Test";
        }

        @Override
        protected void allocate(Comm comm, BufferType type, int maxBytes) {
            a = type.allocate(maxBytes);
            b = type.allocate(maxBytes);
        }

        @Override
        protected void once(Comm comm, BufferType type, int count) {
            CALLS.incrementAndGet();
            int right = (comm.rank() + 1) % comm.size(), left = (comm.rank() + comm.size() - 1) % comm.size();
            dev.cohort.Request r = type.irecv(comm, b, count, left, 5);
            type.send(comm, a, count, right, 5);
            r.await();
        }
    }

    /** A collective without a size, like barrier. */
    static final class Nothing extends CollectiveBenchmark {
        @Override
        public String name() {
            return "nothing";
        }

        @Override
        protected String title() {
            return "Nothing Latency Test";
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
        }
    }

    private static List<String> run(java.util.function.Supplier<Benchmark> maker, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = BenchMain.run(maker, BenchOptions.parse(args), args, o, e);
        }
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\\R"));
    }

    @Test
    void sizedCollectivesPrintTheAverageOverRanksPerSize() {
        RingShift.CALLS.set(0);
        List<String> lines = run(RingShift::new, "ringshift", "-np", "3", "--sizes", "8:32", "--iterations", "4", "--warmup", "1", "--prewarm-ms", "0");
        assertThat(lines.get(0)).startsWith("# Cohort MPI Ring Shift Latency Test v");
        assertThat(lines.get(1)).isEqualTo("# Transport: local, ranks: 3, datatype: byte[]");
        assertThat(lines.get(2)).isEqualTo("# Size       Avg Latency(us)");
        assertThat(lines.subList(3, lines.size())).hasSize(3).allMatch(l -> l.matches("\\d+ +\\d+\\.\\d\\d") && l.length() == 28);
        // 3 ranks x (JIT warm-up: 10 rounds of each of the 3 sizes' warm-up of 1; then 3 sizes x (1 + 4))
        assertThat(RingShift.CALLS.get()).isEqualTo(3 * (10 * 3 + 3 * 5));
    }

    @Test
    void thePrewarmRepeatsUntilItsTimeHasPassed() {
        RingShift.CALLS.set(0);
        long t0 = System.nanoTime();
        run(RingShift::new, "ringshift", "-np", "2", "--sizes", "8:8", "--iterations", "1", "--warmup", "1",
                "--prewarm-ms", "300");
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(300_000_000L);
        // one chunk is 10 calls per rank; a chunk of empty calls takes far less than 300 ms
        assertThat(RingShift.CALLS.get()).isGreaterThan(2 * 10 * 4);
    }

    @Test
    void kvLinesCarryMinAndMax() {
        List<String> lines = run(RingShift::new, "ringshift", "--sizes", "8:8", "--iterations", "2", "--format", "kv");
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).matches("cohort ringshift bytes=8 avg_us=\\S+ min_us=\\S+ max_us=\\S+ iters=2 transport=local np=2");
    }

    @Test
    void unsizedCollectivesPrintOneValue() {
        List<String> lines = run(Nothing::new, "nothing", "-np", "1", "--iterations", "3");
        assertThat(lines.get(2)).isEqualTo("# Avg Latency(us)");
        assertThat(lines.subList(3, lines.size())).hasSize(1).allMatch(l -> l.matches(" +\\d+\\.\\d\\d") && l.length() == 18);
    }
}
