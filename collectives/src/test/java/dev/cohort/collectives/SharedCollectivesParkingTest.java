package dev.cohort.collectives;

import dev.cohort.Op;
import dev.cohort.testing.RankHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared-memory engine's parked slots: a rank that parked while waiting for a small collective
 * must leave its slot empty once the collective is done. Left set, every later publish by the other
 * ranks unparked a running thread (a system call each), which tripled a small allreduce for the
 * rest of the run.
 */
class SharedCollectivesParkingTest {
    @Test
    void aRankThatParkedInASmallCollectiveLeavesItsParkedSlotEmpty() {
        RankHarness.run(2, Duration.ofSeconds(60), w -> {
            // rank 1 comes 300 ms late: rank 0 spins, yields (2 ms by default), then parks in the slot
            if (w.rank() == 1) Thread.sleep(300);
            assertThat(w.allreduce(1.0, Op.SUM)).isEqualTo(2.0);
            double[] sum = new double[4];
            w.allreduce(new double[]{1, 2, 3, w.rank()}, sum, Op.SUM);
            assertThat(sum).containsExactly(2, 4, 6, 1);
            SharedCollectives e = (SharedCollectives) w.collectiveEngine();
            assertThat(e.board.parked[w.rank()].waiter).as("rank %d's parked slot", w.rank()).isNull();
        });
    }
}
