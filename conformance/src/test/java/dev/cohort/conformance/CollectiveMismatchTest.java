package dev.cohort.conformance;

import dev.cohort.CohortException;
import dev.cohort.ErrorClass;
import dev.cohort.Op;
import dev.cohort.testing.RankHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Local-only: ranks that pass different counts (or call different collectives) are detected and
 * reported instead of corrupting data, on the shared-memory engine and on the portable algorithms.
 */
class CollectiveMismatchTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @AfterEach
    void clear() {
        System.clearProperty("cohort.coll.portableOnly");
    }

    private static CohortException fails(int np, dev.cohort.RankBody body) {
        Throwable t = catchThrowable(() -> RankHarness.run(np, TIMEOUT, body));
        assertThat(t).isInstanceOf(CohortException.class);
        return (CohortException) t;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void allreduceCountsThatDisagree(boolean portable) {
        System.setProperty("cohort.coll.portableOnly", String.valueOf(portable));
        CohortException e = fails(3, w -> {
            int n = w.rank() == 1 ? 4 : 5;
            w.allreduce(new double[n], new double[n], Op.SUM);
        });
        assertThat(e.errorClass()).isEqualTo(ErrorClass.COUNT);
        assertThat(e.getMessage()).contains("allreduce").containsPattern("disagree|different counts");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void bcastCountsThatDisagree(boolean portable) {
        System.setProperty("cohort.coll.portableOnly", String.valueOf(portable));
        CohortException e = fails(2, w -> {
            int[] buf = new int[w.rank() == 0 ? 8 : 6];
            w.bcast(buf, 0);
        });
        assertThat(e.errorClass()).isEqualTo(ErrorClass.COUNT);
        assertThat(e.getMessage()).contains("bcast");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void gatherCountsThatDisagree(boolean portable) {
        System.setProperty("cohort.coll.portableOnly", String.valueOf(portable));
        CohortException e = fails(3, w -> {
            int[] mine = new int[w.rank() == 2 ? 3 : 2];
            w.gather(mine, 0, mine.length, w.rank() == 0 ? new int[6] : null, 0, 0);
        });
        assertThat(e.errorClass()).isEqualTo(ErrorClass.COUNT);
        assertThat(e.getMessage()).contains("gather").contains("different counts");
    }

    @org.junit.jupiter.api.Test
    void differentCollectivesOnTheSharedEngine() {
        CohortException e = fails(2, w -> {
            if (w.rank() == 0) w.bcast(new double[3], 0);
            else w.allreduce(new double[3], new double[3], Op.SUM);
        });
        assertThat(e.errorClass()).isEqualTo(ErrorClass.ARG);
        assertThat(e.getMessage()).contains("disagree").contains("bcast").contains("allreduce");
    }
}
