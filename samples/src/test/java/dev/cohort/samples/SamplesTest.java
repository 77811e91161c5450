package dev.cohort.samples;

import dev.cohort.Cohort;
import dev.cohort.Comm;
import dev.cohort.testing.RankHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs each sample's main on thread ranks (as {@code cohort run} would) and checks its lines. */
class SamplesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @FunctionalInterface
    interface Main {
        void main(String[] args) throws Exception;
    }

    /** Runs main on np ranks and returns what they printed to System.out, one entry per line. */
    private static List<String> run(int np, Main main) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            RankHarness.run(np, TIMEOUT, world -> main.main(new String[0]));
        } finally {
            System.setOut(original);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(text.split("\\R")));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void helloPrintsOneLinePerRank(int np) {
        List<String> lines = run(np, Hello::main);
        String host = Cohort.hostName();
        List<String> expected = new ArrayList<>();
        for (int r = 0; r < np; r++) expected.add("Hello, World! I am process " + r + " of " + np + " on " + host + ".");
        assertThat(lines).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void pointToPointDeliversTheObjectAndTheArray(int np) {
        List<String> lines = run(np, PointToPoint::main);
        assertThat(lines).containsExactlyInAnyOrder(
                "Rank 0 sent {a=7, b=3.14} (tag 1337) and [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0] (tag 1456) to rank 1",
                "Rank 1 received {a=7, b=3.14} (tag 1337) from rank 0",
                "Rank 1 received 10 doubles [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0] (tag 1456) from rank 0");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void nonBlockingSwapsWithThePartner(int np) {
        List<String> lines = run(np, NonBlocking::main);
        List<String> expected = new ArrayList<>();
        for (int r = 0; r < np; r++) {
            int p = NonBlocking.partnerOf(r, np);
            if (p == Comm.PROC_NULL) {
                expected.add("Rank " + r + " has no partner: exchanged with PROC_NULL and received nothing");
            } else {
                double b = 10.0 * p;
                expected.add("Rank " + r + " received [" + b + ", " + (b + 1) + ", " + (b + 2) + ", " + (b + 3) + ", "
                        + (b + 4) + "] from rank " + p);
            }
        }
        assertThat(lines).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void partnersArePairsAndTheOddLastRankHasNone() {
        assertThat(NonBlocking.partnerOf(0, 4)).isEqualTo(1);
        assertThat(NonBlocking.partnerOf(1, 4)).isEqualTo(0);
        assertThat(NonBlocking.partnerOf(3, 4)).isEqualTo(2);
        assertThat(NonBlocking.partnerOf(4, 5)).isEqualTo(Comm.PROC_NULL);
        assertThat(NonBlocking.partnerOf(0, 1)).isEqualTo(Comm.PROC_NULL);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void broadcastDeliversRankZerosData(int np) {
        List<String> lines = run(np, Broadcast::main);
        List<String> expected = new ArrayList<>();
        for (int r = 0; r < np; r++) {
            expected.add("rank " + r + " has data " + (r == 0 ? "[0 1 2 3 4 5 6 7 8 9]" : "[0 0 0 0 0 0 0 0 0 0]"));
            expected.add("rank " + r + " got data [0 1 2 3 4 5 6 7 8 9]");
        }
        assertThat(lines).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void scatterSplitsLikeArraySplit() {
        assertThat(run(3, Scatter::main)).containsExactlyInAnyOrder(
                "rank 0 got data [0 1 2 3]", "rank 1 got data [4 5 6]", "rank 2 got data [7 8 9]");
        assertThat(run(4, Scatter::main)).containsExactlyInAnyOrder(
                "rank 0 got data [0 1 2]", "rank 1 got data [3 4 5]", "rank 2 got data [6 7]", "rank 3 got data [8 9]");
        assertThat(run(1, Scatter::main)).containsExactly("rank 0 got data [0 1 2 3 4 5 6 7 8 9]");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void piIsCloseToPi(int np) {
        List<String> lines = run(np, Pi::main);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("pi is approximately 3.14159265358");
        double sequential = Pi.partialSum(1_000_000, 0, 1);
        assertThat(Math.abs(sequential - Math.PI)).isLessThan(1e-10);
    }
}
