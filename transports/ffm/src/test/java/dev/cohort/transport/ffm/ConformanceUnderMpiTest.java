package dev.cohort.transport.ffm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The conformance suite (dev.cohort.conformance.ConformanceMain, every case on one world) on the ffm
 * transport in real MPI jobs: Open MPI's mpirun with 2 and 4 ranks, MPICH's mpiexec with 2 and 4.
 * Each job has a hard time limit; a job that fails or hangs fails the test with every rank's output.
 * Skipped when the launcher is not installed.
 */
class ConformanceUnderMpiTest {
    private static final long TIMEOUT_SECONDS = Long.getLong("cohort.it.timeoutSeconds", 240);

    private static void conformance(MpiJob.Launcher which, int np) throws Exception {
        assumeTrue(MpiJob.launcher(which) != null, which + " launcher not installed");
        MpiJob.Result r = MpiJob.run(which, np, TIMEOUT_SECONDS, "dev.cohort.conformance.ConformanceMain", "--timeout=60");
        String summary = r.output().lines().filter(l -> l.startsWith("conformance:")).findFirst().orElse("(no summary)");
        System.out.println(which + " -np " + np + ": " + summary);
        assertThat(r.timedOut()).as("job timed out after %d s; output:%n%s", TIMEOUT_SECONDS, r.output()).isFalse();
        assertThat(r.exitCode()).as("exit code; output:%n%s", r.output()).isZero();
        assertThat(summary).as("output:%n%s", r.output()).contains("(transport ffm)").contains(" 0 failed");
    }

    @Test
    void openMpiTwoRanks() throws Exception {
        conformance(MpiJob.Launcher.OPENMPI, 2);
    }

    @Test
    void openMpiFourRanks() throws Exception {
        conformance(MpiJob.Launcher.OPENMPI, 4);
    }

    @Test
    void mpichTwoRanks() throws Exception {
        conformance(MpiJob.Launcher.MPICH, 2);
    }

    @Test
    void mpichFourRanks() throws Exception {
        conformance(MpiJob.Launcher.MPICH, 4);
    }
}
