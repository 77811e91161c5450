package dev.cohort.conformance;

import dev.cohort.CohortException;
import dev.cohort.ErrorClass;
import dev.cohort.Op;
import dev.cohort.Request;
import dev.cohort.testing.RankHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Local-only: the shared-memory engine's small-message path (barrier, bcast, reduce, allreduce up to
 * 1 KiB, data inline up to 64 bytes) where it differs from the large one: posts reused 64 collectives
 * later (a bcast root far ahead of its receivers, many nonblocking calls in flight), rank order for
 * non-commutative operations on either side of the inline and small limits, and ranks whose counts
 * put one on each path.
 */
class SharedSmallCollectivesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Inline (1, 8 doubles), small not inline (9, 128), large (129, 300). */
    private static final int[] COUNTS = {1, 8, 9, 128, 129, 300};

    @Test
    void aBcastRootFarAheadOfItsReceiversDoesNotOverwriteWhatTheyHaveNotRead() {
        RankHarness.run(3, TIMEOUT, w -> {
            int rounds = 300;   // several laps of the 64 slots
            if (w.rank() != 0) Thread.sleep(300);
            for (int i = 0; i < rounds; i++) {
                int[] b = new int[]{w.rank() == 0 ? i : -1, w.rank() == 0 ? 2 * i : -1};
                w.bcast(b, 0);
                assertThat(b).as("bcast %d on rank %d", i, w.rank()).containsExactly(i, 2 * i);
            }
            double[] sum = new double[1];
            w.allreduce(new double[]{w.rank() + 1}, sum, Op.SUM);
            assertThat(sum[0]).isEqualTo(6);
        });
    }

    @Test
    void aRankInABlockingCollectiveStillAdvancesItsNonblockingOnes() {
        // rank 0 joins the blocking allreduce before it waits for its nonblocking one (a user-defined
        // operation: the portable algorithm, which steps only when polled); the others wait for the
        // nonblocking one first. Legal MPI; it was reported as a deadlock.
        RankHarness.run(4, TIMEOUT, w -> {
            Op plus = Op.ofDouble("plus", Double::sum, true);
            for (int round = 0; round < 20; round++) {
                double[] a = new double[4000], s = new double[4000];
                java.util.Arrays.fill(a, w.rank() + 1);
                Request r = w.iallreduce(a, s, plus);
                double t;
                if (w.rank() == 0) {
                    t = w.allreduce(1.0, Op.SUM);
                    r.await();
                } else {
                    r.await();
                    t = w.allreduce(1.0, Op.SUM);
                }
                assertThat(t).isEqualTo(4.0);
                assertThat(s).containsOnly(10.0);
            }
        });
    }

    @Test
    void reduceNonRootsRunningAheadStillDeliverEveryRound() {
        RankHarness.run(3, TIMEOUT, w -> {
            if (w.rank() == 2) Thread.sleep(300);
            for (int i = 0; i < 200; i++) {
                long[] out = new long[1];
                w.reduce(new long[]{i + w.rank()}, out, Op.SUM, 2);
                if (w.rank() == 2) assertThat(out[0]).as("reduce %d", i).isEqualTo(3L * i + 3);
            }
        });
    }

    @Test
    void sixtyFourNonblockingAllreducesOfMixedSizesInFlight() {
        RankHarness.run(3, TIMEOUT, w -> {
            List<Request> reqs = new ArrayList<>();
            List<double[]> outs = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int count = COUNTS[i % COUNTS.length];
                double[] in = new double[count];
                for (int k = 0; k < count; k++) in[k] = (w.rank() + 1) * (i + k);
                double[] out = new double[count];
                outs.add(out);
                reqs.add(w.iallreduce(in, out, Op.SUM));
                if (w.rank() == 1 && i % 16 == 0) Thread.sleep(20);
            }
            Request.waitAll(reqs.toArray(new Request[0]));
            for (int i = 0; i < 64; i++) {
                double[] out = outs.get(i);
                for (int k = 0; k < out.length; k++) assertThat(out[k]).as("call %d element %d", i, k).isEqualTo(6.0 * (i + k));
            }
        });
    }

    @Test
    void nonCommutativeOperationsCombineInRankOrderOnEveryPath() {
        // left-to-right: ((x0 o x1) o x2) ... with a o b = 10a + b, so 5 ranks give 12345 (per element)
        Op digits = Op.ofDouble("digits", (a, b) -> 10 * a + b, false);
        RankHarness.run(5, TIMEOUT, w -> {
            for (int count : COUNTS) {
                double[] in = new double[count];
                java.util.Arrays.fill(in, w.rank() + 1);
                double[] all = new double[count];
                w.allreduce(in, all, digits);
                double[] atRoot = new double[count];
                w.reduce(in, atRoot, digits, 3);
                for (int k = 0; k < count; k++) {
                    assertThat(all[k]).as("allreduce of %d, element %d", count, k).isEqualTo(12345);
                    if (w.rank() == 3) assertThat(atRoot[k]).as("reduce of %d, element %d", count, k).isEqualTo(12345);
                }
                w.barrier();
            }
        });
    }

    @Test
    void countsThatPutRanksOnDifferentPathsAreReportedNotHung() {
        Throwable t = catchThrowable(() -> RankHarness.run(2, TIMEOUT, w -> {
            int count = w.rank() == 0 ? 8 : 1000;   // 64 bytes (small) against 8000 (large)
            w.allreduce(new double[count], new double[count], Op.SUM);
        }));
        assertThat(t).isInstanceOf(CohortException.class);
        CohortException e = (CohortException) t;
        assertThat(e.errorClass()).isEqualTo(ErrorClass.COUNT);
        assertThat(e.getMessage()).contains("allreduce").contains("disagree").contains("1000");
    }
}
