/*
 * Cohort's C reference for `cohort bench compare`: MPI ping-pong between ranks 0 and 1 over
 * blocking MPI_Send / MPI_Recv of MPI_BYTE, sizes 1 B, 2 B, ... 4 MiB.
 * Usage: pingpong [SMALL_ITERS [LARGE_ITERS]]  (messages above 8 KiB use LARGE_ITERS; warm-up is a
 * tenth of the iterations, at least 10). Rank 0 prints, per size:
 *   c pingpong bytes=B half_rtt_us=T MBps=M iters=K
 * where T is half the mean round trip and M = B / T (10^6 bytes per second).
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BYTES (4 << 20)
#define SMALL_LIMIT 8192

int main(int argc, char **argv) {
    int rank, size;
    int small = argc > 1 ? atoi(argv[1]) : 10000;
    int large = argc > 2 ? atoi(argv[2]) : 1000;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2) {
        if (rank == 0) fprintf(stderr, "pingpong needs 2 ranks\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    char *buf = malloc(MAX_BYTES);
    memset(buf, 1, MAX_BYTES);
    for (int bytes = 1; bytes <= MAX_BYTES; bytes *= 2) {
        int iters = bytes > SMALL_LIMIT ? large : small;
        int warm = iters / 10 < 10 ? 10 : iters / 10;
        double t0 = 0;
        MPI_Barrier(MPI_COMM_WORLD);
        for (int i = 0; i < warm + iters; i++) {
            if (i == warm) t0 = MPI_Wtime();
            if (rank == 0) {
                MPI_Send(buf, bytes, MPI_BYTE, 1, 1, MPI_COMM_WORLD);
                MPI_Recv(buf, bytes, MPI_BYTE, 1, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            } else if (rank == 1) {
                MPI_Recv(buf, bytes, MPI_BYTE, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                MPI_Send(buf, bytes, MPI_BYTE, 0, 1, MPI_COMM_WORLD);
            }
        }
        double half_us = (MPI_Wtime() - t0) * 1e6 / iters / 2;
        if (rank == 0) {
            printf("c pingpong bytes=%d half_rtt_us=%.3f MBps=%.1f iters=%d\n", bytes, half_us, bytes / half_us, iters);
            fflush(stdout);
        }
    }
    free(buf);
    MPI_Finalize();
    return 0;
}
