package dev.cohort.samples;

import dev.cohort.Cohort;
import dev.cohort.Comm;

/**
 * mpi4py tutorial, broadcasting a buffer: rank 0 fills 0..9 and broadcasts it; every rank prints what
 * it has before ({@code rank r has data [..]}) and after ({@code rank r got data [..]}) the broadcast.
 */
public final class Broadcast {
    private Broadcast() {
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            Comm world = mpi.world();
            int rank = world.rank();
            int[] data = new int[10];
            if (rank == 0) {
                for (int i = 0; i < data.length; i++) data[i] = i;
            }
            System.out.println("rank " + rank + " has data " + Numpy.str(data));
            world.bcast(data, 0);
            System.out.println("rank " + rank + " got data " + Numpy.str(data));
        }
    }
}
