package dev.cohort.launch.testapps;

import dev.cohort.Cohort;
import dev.cohort.Comm;

/** Both ranks receive first: a deadlock the local transport detects. */
public final class Deadlock {
    private Deadlock() {
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            Comm world = mpi.world();
            world.recv(new int[1], 0, 1, 1 - world.rank(), 3);
        }
    }
}
