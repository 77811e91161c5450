package dev.cohort.launch.testapps;

import dev.cohort.Cohort;
import dev.cohort.Comm;

/** Rank 1 throws; the other ranks wait for a message from it that never comes and are aborted. */
public final class FailOnRankOne {
    private FailOnRankOne() {
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            Comm world = mpi.world();
            if (world.rank() == 1) {
                fail();
            }
            world.recv(new int[1], 0, 1, 1, 5);
        }
    }

    private static void fail() {
        throw new IllegalStateException("boom");
    }
}
