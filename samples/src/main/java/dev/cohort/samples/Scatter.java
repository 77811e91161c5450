package dev.cohort.samples;

import dev.cohort.Cohort;
import dev.cohort.Comm;

/**
 * mpi4py tutorial, scattering: rank 0 splits 0..9 over the ranks as numpy's array_split does (the first
 * 10 % size parts get one element more) and scatters the parts with scatterv; each rank prints
 * {@code rank r got data [..]}.
 */
public final class Scatter {
    static final int N = 10;

    private Scatter() {
    }

    /** Sizes of the parts of {@code n} elements split into {@code parts} as numpy.array_split does. */
    static int[] arraySplitCounts(int n, int parts) {
        int[] counts = new int[parts];
        for (int i = 0; i < parts; i++) counts[i] = n / parts + (i < n % parts ? 1 : 0);
        return counts;
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            Comm world = mpi.world();
            int rank = world.rank(), size = world.size();
            int[] counts = arraySplitCounts(N, size);
            int[] displs = new int[size];
            for (int i = 1; i < size; i++) displs[i] = displs[i - 1] + counts[i - 1];
            int[] all = null;
            if (rank == 0) {
                all = new int[N];
                for (int i = 0; i < N; i++) all[i] = i;
            }
            int[] mine = new int[counts[rank]];
            world.scatterv(all, 0, counts, displs, mine, 0, mine.length, 0);
            System.out.println("rank " + rank + " got data " + Numpy.str(mine));
        }
    }
}
