package dev.cohort.benchmarks;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The drivers' logic on tiny runs: what they print and how they exit. Never their timings. */
class BenchMainTest {
    /** Output and exit code of one run. */
    static final class Run {
        final int code;
        final String out;
        final String err;

        Run(int code, String out, String err) {
            this.code = code;
            this.out = out;
            this.err = err;
        }

        List<String> lines() {
            return Arrays.asList(out.split("\\R"));
        }

        List<String> rows() {
            return lines().stream().filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toList());
        }
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = BenchMain.run(args, o, e);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void latencyPrintsTheOsuHeaderAndOneRowPerSize() {
        Run r = run("latency", "--transport", "local", "--sizes", "8:16", "--iterations", "10", "--warmup", "2");
        assertThat(r.code).as(r.err).isZero();
        List<String> lines = r.lines();
        assertThat(lines.get(0)).startsWith("# Cohort MPI Latency Test v");
        assertThat(lines.get(1)).isEqualTo("# Transport: local, ranks: 2, datatype: byte[]");
        assertThat(lines.get(2)).isEqualTo("# Size          Latency (us)");
        assertThat(r.rows()).hasSize(2);
        assertThat(r.rows().get(0)).matches("8 {9} *\\d+\\.\\d\\d").hasSize(28);
        assertThat(r.rows().get(1)).matches("16 {8} *\\d+\\.\\d\\d").hasSize(28);
    }

    @Test
    void latencyWithDoublesVisitsWholeElementsOnly() {
        Run r = run("latency", "--type", "double", "--sizes", "0:32", "--iterations", "5", "--warmup", "0");
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("datatype: double[]");
        assertThat(r.rows()).extracting(l -> l.split(" +")[0]).containsExactly("0", "8", "16", "32");
    }

    @Test
    void kvFormatPrintsOneSelfDescribingLinePerSize() {
        Run r = run("latency", "--sizes", "8:16", "--iterations", "10", "--warmup", "1", "--format", "kv");
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.lines()).hasSize(2);
        assertThat(r.lines().get(0)).matches("cohort latency bytes=8 half_rtt_us=\\d+\\.\\d{3} MBps=\\d+\\.\\d iters=10 transport=local np=2");
        assertThat(r.lines().get(1)).startsWith("cohort latency bytes=16 ");
    }

    @Test
    void bandwidthBenchmarksPrintTheirHeadersAndRows() {
        Run bw = run("bw", "--sizes", "1:4", "--iterations", "3", "--warmup", "1", "--window", "4");
        assertThat(bw.code).as(bw.err).isZero();
        assertThat(bw.out).contains("# Cohort MPI Bandwidth Test v", "datatype: byte[], window: 4", "# Size      Bandwidth (MB/s)");
        assertThat(bw.rows()).hasSize(3);

        Run bibw = run("bibw", "--sizes", "1024:2048", "--iterations", "3", "--warmup", "1", "--format", "kv", "-np", "3");
        assertThat(bibw.code).as(bibw.err).isZero();
        assertThat(bibw.lines()).hasSize(2);
        assertThat(bibw.lines().get(0)).matches("cohort bibw bytes=1024 MBps=\\d+\\.\\d window=64 iters=3 transport=local np=3");
    }

    @Test
    void objectLatencyHasOneRowPerObject() {
        Run r = run("objlatency", "--iterations", "5", "--warmup", "1");
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("# Cohort MPI Object Latency Test v", "# Object        Latency (us)");
        assertThat(r.rows()).extracting(l -> l.split(" +")[0]).containsExactly("small-dict", "list10k");

        Run kv = run("objlatency", "--iterations", "2", "--warmup", "0", "--format=kv");
        assertThat(kv.lines().get(0)).matches("cohort objlatency small-dict encoded_bytes=\\d+ half_rtt_us=\\d+\\.\\d\\d iters=2 .*");
    }

    @Test
    void anUnknownBenchmarkIsAUsageErrorListingTheKnownOnes() {
        Run r = run("allreduse");
        assertThat(r.code).isEqualTo(BenchMain.USAGE);
        assertThat(r.out).isEmpty();
        assertThat(r.err).contains("unknown benchmark 'allreduse'; known: latency, bw, bibw, objlatency, allreduce, reduce, bcast, allgather, alltoall, barrier", "usage:");
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        assertThat(run().code).isEqualTo(BenchMain.USAGE);
        assertThat(run("latency", "--sizes", "16:8").err).contains("MIN 16 is larger than MAX 8");
        assertThat(run("latency", "--iterations", "zero").code).isEqualTo(BenchMain.USAGE);
        assertThat(run("latency", "--bogus").err).contains("unknown option '--bogus'");
        assertThat(run("latency", "-np").err).contains("-np needs a value");
        assertThat(run("latency", "-np", "1").err).contains("latency needs at least 2 ranks, got 1");
        assertThat(run("latency", "--transport", "carrier-pigeon").err).contains("unknown transport 'carrier-pigeon'");
        assertThat(run("bw", "--type", "double", "--sizes", "1:4").err).contains("no whole number of double[] elements");
        assertThat(run("objlatency", "--sizes", "8:8").code).isEqualTo(BenchMain.USAGE);
    }

    @Test
    void helpPrintsTheUsage() {
        Run r = run("--help");
        assertThat(r.code).isZero();
        assertThat(r.out).contains("usage: BenchMain NAME", "latency, bw, bibw, objlatency, allreduce, reduce, bcast, allgather, alltoall, barrier");
    }

    @Test
    void sizesStepLikeOsu() {
        assertThat(Sizes.between(0, 8, BufferType.BYTE)).containsExactly(0, 1, 2, 4, 8);
        assertThat(Sizes.between(3, 24, BufferType.BYTE)).containsExactly(3, 6, 12, 24);
        assertThat(Sizes.between(1, 64, BufferType.DOUBLE)).containsExactly(8, 16, 32, 64);
        assertThat(Sizes.between(4194304, 4194304, BufferType.BYTE)).containsExactly(4194304);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"allreduce", "reduce", "bcast", "allgather", "alltoall"})
    void collectivesPrintOneRowPerSize(String name) {
        Run r = run(name, "-np", "3", "--type", "double", "--sizes", "8:64", "--iterations", "5", "--warmup", "1");
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("# Size", "Avg Latency(us)");
        assertThat(r.rows()).hasSize(4);
        for (String row : r.rows()) assertThat(row).matches("\\d+ +\\d+\\.\\d\\d");
    }

    @Test
    void barrierPrintsOneValue() {
        Run r = run("barrier", "-np", "3", "--iterations", "5", "--warmup", "1");
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("Barrier Latency Test");
        assertThat(r.rows()).hasSize(1);
    }
}
