package dev.cohort.launch.testapps;

import dev.cohort.Cohort;
import dev.cohort.Comm;

/**
 * Increments a static counter once per rank, waits until every rank has done so, then prints it.
 * With a class loader per rank every rank prints 1; with shared statics they would print up to N.
 */
public final class StaticCounter {
    static int counter;

    private StaticCounter() {
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            Comm world = mpi.world();
            counter++;
            // a barrier from point-to-point: everyone reports to rank 0, rank 0 releases everyone
            int[] token = new int[1];
            if (world.rank() == 0) {
                for (int r = 1; r < world.size(); r++) world.recv(token, 0, 1, r, 1);
                for (int r = 1; r < world.size(); r++) world.send(token, 0, 1, r, 2);
            } else {
                world.send(token, 0, 1, 0, 1);
                world.recv(token, 0, 1, 0, 2);
            }
            System.out.println("rank " + world.rank() + " counter " + counter + " loader "
                    + StaticCounter.class.getClassLoader().getName());
        }
    }
}
