package dev.cohort.transport.mpj.apps;

import dev.cohort.Cohort;
import dev.cohort.Comm;

/** Rank 1 throws; every other rank waits for a message from it that never comes, until the job is ended. */
public final class FailOnRankOne {
    private FailOnRankOne() {
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            Comm world = mpi.world();
            if (world.rank() == 1) throw new IllegalStateException("boom on rank 1");
            world.recv(new int[1], 0, 1, 1, 5);
        }
    }
}
