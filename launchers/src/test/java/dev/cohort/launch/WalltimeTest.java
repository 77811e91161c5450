package dev.cohort.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WalltimeTest {
    @ParameterizedTest
    @CsvSource({
            "00:00:01, 1, 00:00:01, 00:00:01",
            "00:30:00, 1800, 00:30:00, 00:30:00",
            "1:30:00, 5400, 01:30:00, 01:30:00",
            "23:59:59, 86399, 23:59:59, 23:59:59",
            "24:00:00, 86400, 24:00:00, 1-00:00:00",
            "48:00:30, 172830, 48:00:30, 2-00:00:30",
            "100:05:00, 360300, 100:05:00, 4-04:05:00"})
    void parsesAndFormatsForEachScheduler(String text, long seconds, String hms, String slurm) {
        Walltime w = Walltime.parse(text);
        assertThat(w.seconds()).isEqualTo(seconds);
        assertThat(w.hms()).isEqualTo(hms);
        assertThat(w.slurm()).isEqualTo(slurm);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "30", "1:00", "01:00", "1:2:3", "01:60:00", "01:00:60", "aa:bb:cc", "-1:00:00",
            "01:00:00:00", "1-00:00:00", "01 :00:00", "01:00:00\n#SBATCH --x"})
    void rejectsMalformedWalltimes(String text) {
        assertThatThrownBy(() -> Walltime.parse(text)).isInstanceOf(UsageException.class)
                .hasMessageStartingWith("malformed walltime '" + text + "'");
    }

    @Test
    void rejectsZero() {
        assertThatThrownBy(() -> Walltime.parse("00:00:00")).isInstanceOf(UsageException.class)
                .hasMessage("walltime must be longer than 00:00:00");
    }

    @Test
    void trimsSurroundingSpaceAndComparesByDuration() {
        assertThat(Walltime.parse(" 2:00:00 ")).isEqualTo(Walltime.parse("02:00:00"));
    }
}
