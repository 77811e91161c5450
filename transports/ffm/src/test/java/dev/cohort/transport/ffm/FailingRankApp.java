package dev.cohort.transport.ffm;

import dev.cohort.Cohort;
import dev.cohort.Comm;

/** A job where rank 1 throws while rank 0 waits for a message from it that never comes. */
public final class FailingRankApp {
    private FailingRankApp() {
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            Comm w = mpi.world();
            if (w.rank() == 1) throw new IllegalStateException("boom on purpose");
            if (w.rank() == 0) w.recv(new int[1], 1, 5);
        }
    }
}
