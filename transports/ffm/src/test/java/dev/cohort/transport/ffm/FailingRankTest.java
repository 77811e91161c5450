package dev.cohort.transport.ffm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One failing rank ends the whole MPI job promptly, with its cause printed once (MPI_Abort). */
class FailingRankTest {
    @Test
    void aFailingRankEndsTheJobWithItsCause() throws Exception {
        MpiJob.Result r = MpiJob.finished(MpiJob.Launcher.OPENMPI, 2, 90, FailingRankApp.class.getName());
        assertThat(r.exitCode()).as("output:%n%s", r.output()).isNotZero();
        assertThat(r.output()).contains("cohort: rank 1 failed").contains("boom on purpose");
        assertThat(r.output().split("cohort: rank 1 failed", -1)).as("the cause is printed once").hasSize(2);
    }
}
