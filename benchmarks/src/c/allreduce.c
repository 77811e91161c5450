/*
 * Cohort's C reference for `cohort bench compare`: MPI_Allreduce with MPI_SUM of 1, 1024 and
 * 1048576 doubles, every rank timing its own calls with a barrier after each (OSU's method).
 * Usage: allreduce [SMALL_ITERS [LARGE_ITERS]]  (more than 1024 doubles uses LARGE_ITERS).
 * Rank 0 prints the mean over ranks of each rank's mean call time:
 *   c allreduce doubles=N us=T iters=K
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int rank, size;
    int small = argc > 1 ? atoi(argv[1]) : 1000;
    int large = argc > 2 ? atoi(argv[2]) : 100;
    static const int counts[] = {1, 1024, 1048576};
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    double *a = malloc(sizeof(double) * 1048576), *b = malloc(sizeof(double) * 1048576);
    for (int i = 0; i < 1048576; i++) a[i] = 1.0;
    for (int c = 0; c < 3; c++) {
        int n = counts[c];
        int iters = n > 1024 ? large : small;
        int warm = iters / 10 < 5 ? 5 : iters / 10;
        double total = 0;
        for (int i = 0; i < warm + iters; i++) {
            double t0 = MPI_Wtime();
            MPI_Allreduce(a, b, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
            double t1 = MPI_Wtime();
            if (i >= warm) total += t1 - t0;
            MPI_Barrier(MPI_COMM_WORLD);
        }
        double mine = total * 1e6 / iters, sum = 0;
        MPI_Reduce(&mine, &sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
        if (rank == 0) {
            printf("c allreduce doubles=%d us=%.3f iters=%d\n", n, sum / size, iters);
            fflush(stdout);
        }
    }
    free(a);
    free(b);
    MPI_Finalize();
    return 0;
}
