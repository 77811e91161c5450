package dev.cohort.transport.ffm;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The paired latency tool under each MPI's own launcher: Cohort's blocks, the bare calls' and the C
 * loop's (compiled with the library's mpicc into the cache), and one result line per reference; and
 * the paired allreduce tool, whose sums both sides check before timing.
 */
class PairedLatencyTest {
    private static final Pattern RESULT = Pattern.compile(
            "cohort paired transport=ffm bytes=8 reference=(\\S+) cohort_us=([0-9.]+) reference_us=([0-9.]+) ratio=([0-9.]+)"
                    + " ratio_min=[0-9.]+ ratio_max=[0-9.]+ blocks=3");

    private static void runsBesideItsReferences(MpiJob.Launcher which, String family, List<String> compilers) throws Exception {
        MpiJob.Result r = MpiJob.finished(which, 2, 180, PairedLatency.class.getName(), "8", "3", "300");
        assertThat(r.exitCode()).as("output:%n%s", r.output()).isZero();
        assertThat(r.output()).contains("library=" + family);
        Matcher m = RESULT.matcher(r.output());
        java.util.Map<String, double[]> lines = new java.util.HashMap<>();
        while (m.find()) {
            lines.put(m.group(1), new double[]{Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                    Double.parseDouble(m.group(4))});
        }
        assertThat(lines).as("output:%n%s", r.output()).containsKey("mpi-calls");
        if (compilers.stream().anyMatch(n -> MpiJob.onPath(n) != null)) {
            assertThat(lines).as("output:%n%s", r.output()).containsKey("c");
        } else {
            assertThat(r.output()).contains("no C reference: no " + compilers.get(0));
            assertThat(lines).doesNotContainKey("c");
        }
        for (double[] v : lines.values()) {
            assertThat(v[0]).as("Cohort's half round trip").isPositive();
            assertThat(v[1]).as("the reference's").isPositive();
            assertThat(v[2]).as("the ratio").isPositive();
        }
    }

    @Test
    void underOpenMpi() throws Exception {
        runsBesideItsReferences(MpiJob.Launcher.OPENMPI, "openmpi", List.of("mpicc.openmpi", "mpicc"));
    }

    @Test
    void underMpich() throws Exception {
        runsBesideItsReferences(MpiJob.Launcher.MPICH, "mpich", List.of("mpicc.mpich"));
    }

    @Test
    void theAllreduceToolChecksBothSumsAndTimesBoth() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(MpiJob.onPath("mpicc.openmpi") != null || MpiJob.onPath("mpicc") != null,
                "no mpicc for the C loop");
        MpiJob.Result r = MpiJob.finished(MpiJob.Launcher.OPENMPI, 2, 180, PairedAllreduce.class.getName(), "1000", "3", "20");
        assertThat(r.exitCode()).as("output:%n%s", r.output()).isZero();
        Matcher m = Pattern.compile("per call, median us: cohort ffm heap ([0-9.]+), C MPI_Allreduce ([0-9.]+)").matcher(r.output());
        assertThat(m.find()).as("output:%n%s", r.output()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isPositive();
        assertThat(Double.parseDouble(m.group(2))).isPositive();
        assertThat(r.output()).contains("cohort / C: median");
    }
}
