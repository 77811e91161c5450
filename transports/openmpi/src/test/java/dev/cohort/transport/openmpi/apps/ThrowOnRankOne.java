package dev.cohort.transport.openmpi.apps;

import dev.cohort.Cohort;
import dev.cohort.Comm;

/** Rank 1 throws out of a plain main; the others wait for it in a receive. */
public final class ThrowOnRankOne {
    private ThrowOnRankOne() {
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            Comm world = mpi.world();
            if (world.rank() == 1) throw new IllegalStateException("boom on rank one");
            world.recv(new int[1], 1, 5);
        }
    }
}
