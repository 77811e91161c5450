package dev.cohort.testing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PairedTimingTest {
    @Test
    void pingPongCarriesRankZerosBytesThereAndBack() {
        List<byte[]> bufs = RankHarness.call(3, Duration.ofSeconds(60), dev.cohort.CohortOptions.defaults(), w -> {
            byte[] buf = new byte[8];
            if (w.rank() == 0) for (int i = 0; i < 8; i++) buf[i] = (byte) (i + 1);
            double half = PairedTiming.cohortPingPong(w, buf, 8, 3, 100);
            if (w.rank() < 2) assertThat(half).isPositive().isFinite();
            else assertThat(half).isZero();
            return buf;
        });
        byte[] sent = {1, 2, 3, 4, 5, 6, 7, 8};
        assertThat(bufs.get(0)).containsExactly(sent);
        assertThat(bufs.get(1)).containsExactly(sent);
        assertThat(bufs.get(2)).containsOnly(0);
    }

    @Test
    void eachBlockAgainstTheReferenceBlocksAroundIt() {
        double[] r = PairedTiming.ratios(new double[]{3, 6}, new double[]{2, 4, 8});
        assertThat(r).containsExactly(1.0, 1.0);
        assertThat(PairedTiming.summary(new double[]{1.5, 1, 2})).isEqualTo("median 1.500 (blocks 1.000-2.000)");
        assertThatThrownBy(() -> PairedTiming.ratios(new double[2], new double[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("around needs 3 blocks, not 2");
    }

    @Test
    void resultLineGivesMediansAndTheRatiosRange() {
        // blocks 3 and 6 against references (2+4)/2 and (4+12)/2: ratios 1.0 and 0.75
        String line = PairedTiming.resultLine("ffm", 8, "mpi-calls", new double[]{3, 6}, new double[]{2, 4, 12});
        assertThat(line).isEqualTo("cohort paired transport=ffm bytes=8 reference=mpi-calls cohort_us=4.5000 reference_us=4.0000"
                + " ratio=0.8750 ratio_min=0.7500 ratio_max=1.0000 blocks=2");
        assertThatThrownBy(() -> PairedTiming.resultLine("ffm", 8, "bare calls", new double[]{1}, new double[]{1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one word");
    }

    @Test
    void argumentsFallBackWhenAbsentAndNameThemselvesWhenBad() {
        String[] args = {"16", "x", "0"};
        assertThat(PairedTiming.arg(args, 0, "BYTES", 0, 8)).isEqualTo(16);
        assertThat(PairedTiming.arg(args, 3, "ROUND_TRIPS", 1, 5000)).isEqualTo(5000);
        assertThat(PairedTiming.arg(args, 2, "BYTES", 0, 8)).isZero();
        assertThatThrownBy(() -> PairedTiming.arg(args, 1, "BLOCKS", 1, 40))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("BLOCKS must be an integer of at least 1, not 'x'");
        assertThatThrownBy(() -> PairedTiming.arg(args, 2, "BLOCKS", 1, 40))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not '0'");
    }

    @Test
    void medianOfOddEvenAndEmptySeries() {
        assertThat(PairedTiming.median(new double[]{3, 1, 2})).isEqualTo(2);
        assertThat(PairedTiming.median(new double[]{4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(PairedTiming.median(new double[0])).isNaN();
        double[] a = {5, 4};
        PairedTiming.median(a);
        assertThat(a).containsExactly(5, 4);
    }
}
