package dev.cohort.conformance;

import dev.cohort.testing.RankHarness;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Every conformance case on the local transport, each case x rank count in a job of its own under a
 * hard timeout (a hang fails with a thread dump of every rank): point-to-point sections at 1, 2, 3, 4
 * and 7 thread ranks, collective and communicator sections at 1, 2, 3, 4, 5, 6 and 8. Rank counts below
 * a case's minimum are left out.
 */
class LocalConformanceTest {
    static final int[] RANK_COUNTS = {1, 2, 3, 4, 7};
    static final int[] COLLECTIVE_RANK_COUNTS = {1, 2, 3, 4, 5, 6, 8};
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TestFactory
    Stream<DynamicNode> everyCaseAtEveryRankCount() {
        return Conformance.sections().entrySet().stream().map(LocalConformanceTest::section);
    }

    private static int[] rankCounts(String section) {
        return section.equals(Conformance.COLLECTIVES) || section.equals(Conformance.COMMUNICATORS)
                ? COLLECTIVE_RANK_COUNTS : RANK_COUNTS;
    }

    private static DynamicContainer section(Map.Entry<String, List<ConformanceCase>> section) {
        return dynamicContainer(section.getKey(), section.getValue().stream().map(c ->
                dynamicContainer(c.name(), IntStream.of(rankCounts(section.getKey())).filter(c::supports).mapToObj(np ->
                        dynamicTest(c.name() + " on " + np + (np == 1 ? " rank" : " ranks"),
                                () -> RankHarness.run(np, TIMEOUT, Conformance.options(), c.body()))))));
    }
}
