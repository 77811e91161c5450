package dev.cohort;

import dev.cohort.testing.RankHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {
    @Test
    void pingPongAndObjects() {
        RankHarness.run(2, Duration.ofSeconds(20), world -> {
            double[] a = new double[4];
            if (world.rank() == 0) {
                world.send(new double[]{1, 2, 3, 4}, 1, 7);
                Status s = world.recv(a, 1, 8);
                assertThat(s.source()).isEqualTo(1);
                assertThat(a).containsExactly(2, 4, 6, 8);
                world.sendObject(Map.of("a", 1, "b", List.of(1, 2, 3)), 1, 9);
            } else {
                Status s = world.recv(a, 0, 7);
                assertThat(s.count()).isEqualTo(4);
                for (int i = 0; i < 4; i++) a[i] *= 2;
                world.send(a, 0, 8);
                Map<String, Object> m = world.recvObject(0, 9);
                assertThat(m).containsEntry("a", 1);
            }
        });
    }
}
