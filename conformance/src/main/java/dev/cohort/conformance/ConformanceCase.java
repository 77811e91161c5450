package dev.cohort.conformance;

import dev.cohort.Comm;
import dev.cohort.RankBody;

import java.util.Objects;

/**
 * One conformance case: a body that every rank of a world runs at the same time, and the smallest
 * world it makes sense on. A case uses all ranks of whatever world it is given (rings, a root that
 * hears from everyone), asserts real results with AssertJ, and consumes every message it sends, so
 * that cases can run one after another on the same world (as {@link ConformanceMain} does under
 * mpirun).
 *
 * @param section  the section of {@link Conformance} it belongs to, e.g. "pointToPoint"
 * @param name     a name unique in the whole suite, e.g. "sendRecvInt"
 * @param minRanks the smallest world size the case supports (1 unless it needs a peer)
 * @param body     what each rank runs; it throws (AssertionError, CohortException) to fail
 */
public record ConformanceCase(String section, String name, int minRanks, RankBody body) {
    public ConformanceCase {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        if (minRanks < 1) throw new IllegalArgumentException("minRanks must be at least 1: " + minRanks);
    }

    /** Whether the case runs on a world of this size. */
    public boolean supports(int worldSize) {
        return worldSize >= minRanks;
    }

    /** Runs this rank's part of the case on {@code world}. */
    public void run(Comm world) throws Exception {
        body.run(world);
    }

    /** "section/name", as the runners print it. */
    public String qualifiedName() {
        return section + "/" + name;
    }

    @Override
    public String toString() {
        return qualifiedName() + (minRanks > 1 ? " (>= " + minRanks + " ranks)" : "");
    }
}
