package dev.cohort.conformance;

import dev.cohort.testing.RankHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * The collective and communicator sections again with the shared-memory engine switched off
 * ({@code cohort.coll.portableOnly}), so the point-to-point algorithms that processes use (binomial
 * trees, recursive doubling, rings, dissemination barrier) run on every rank count as well.
 */
class PortableCollectivesConformanceTest {
    private static final String PROPERTY = "cohort.coll.portableOnly";
    private static String before;

    @BeforeAll
    static void portableOnly() {
        before = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, "true");
    }

    @AfterAll
    static void restore() {
        if (before == null) System.clearProperty(PROPERTY);
        else System.setProperty(PROPERTY, before);
    }

    @TestFactory
    Stream<DynamicNode> collectiveSectionsOverPointToPoint() {
        List<ConformanceCase> cases = new java.util.ArrayList<>(Conformance.collectives());
        cases.addAll(Conformance.communicators());
        return cases.stream().map(c -> dynamicContainer(c.name(),
                IntStream.of(LocalConformanceTest.COLLECTIVE_RANK_COUNTS).filter(c::supports).mapToObj(np ->
                        dynamicTest(c.name() + " on " + np + " ranks (portable)",
                                () -> RankHarness.run(np, LocalConformanceTest.TIMEOUT, Conformance.options(), c.body())))));
    }
}
