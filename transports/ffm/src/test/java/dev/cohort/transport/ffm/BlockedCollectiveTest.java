package dev.cohort.transport.ffm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A blocking collective entered while a receive of the rank waits to be matched is reported after a
 * while (a peer's send could be waiting for that match), once, by that rank only; the job itself
 * still completes when nothing is in fact waiting.
 */
class BlockedCollectiveTest {
    @Test
    void aRankWaitingInABlockingCollectiveWithAPostedReceiveSaysSo() throws Exception {
        MpiJob.Result r = MpiJob.finished(MpiJob.Launcher.OPENMPI, 2, 90, BlockedCollectiveApp.class.getName());
        assertThat(r.exitCode()).as("output:%n%s", r.output()).isZero();
        assertThat(r.output()).contains("rank 0 sum 3.0").contains("rank 1 sum 3.0 received 42");
        String warning = "cohort: rank 1: allreduce on WORLD has waited in MPI for ";
        assertThat(r.output()).contains(warning).contains("while 1 receive of this rank waited to be matched");
        assertThat(r.output().split(warning, -1)).as("warned once").hasSize(2);
        assertThat(r.output()).doesNotContain("cohort: rank 0:");
    }
}
