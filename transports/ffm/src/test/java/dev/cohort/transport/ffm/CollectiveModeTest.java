package dev.cohort.transport.ffm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Blocking collectives are MPI's blocking ones, except under MPICH on a node with more ranks than
 * cores, where they are MPI's nonblocking ones polled from Java (MPICH busy-polls regardless): every
 * rank of a job must make the same choice.
 */
class CollectiveModeTest {
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private static void expectMode(MpiJob.Launcher which, int np, boolean polls) throws Exception {
        assumeTrue(np <= 8, "oversubscribing this machine's " + CORES + " cores takes more than 8 JVMs");
        MpiJob.Result r = MpiJob.finished(which, np, 120, CollectiveModeApp.class.getName());
        assertThat(r.exitCode()).as("output:%n%s", r.output()).isZero();
        int sum = np * (np + 1) / 2;
        for (int rank = 0; rank < np; rank++) {
            assertThat(r.output()).as("output:%n%s", r.output()).contains("rank " + rank + " polls " + polls + " sum " + sum);
        }
    }

    @Test
    void mpichPollsWhenTheNodeHasMoreRanksThanCores() throws Exception {
        expectMode(MpiJob.Launcher.MPICH, CORES + 1, true);
    }

    @Test
    void mpichCallsBlockingCollectivesWhenEveryRankHasACore() throws Exception {
        assumeTrue(CORES >= 2, "needs two cores");
        expectMode(MpiJob.Launcher.MPICH, 2, false);
    }

    @Test
    void openMpiAlwaysCallsBlockingCollectives() throws Exception {
        expectMode(MpiJob.Launcher.OPENMPI, CORES + 1, false);
    }
}
