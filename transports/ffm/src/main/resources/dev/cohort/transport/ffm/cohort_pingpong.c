/*
 * The C reference of the ffm transport's paired latency tool (dev.cohort.transport.ffm.PairedLatency):
 * a ping-pong by MPI_Send and MPI_Recv on MPI_COMM_WORLD, as a C benchmark does it. The tool compiles
 * this file with the MPI library's own mpicc into Cohort's cache (CPingPong.java) and calls it between
 * its Cohort blocks, in the same two processes, so that Cohort is timed against C a few milliseconds
 * apart with the same MPI initialization and process placement.
 */
#include <mpi.h>

/* 1 when MPI is initialized as this library sees it: 0 means it links another copy of MPI than the
 * one the transport initialized. */
int cohort_c_initialized(void)
{
    int flag = 0;
    if (MPI_Initialized(&flag) != MPI_SUCCESS) return 0;
    return flag;
}

/* TRIPS round trips of BYTES bytes of BUF with rank PEER (FIRST: this rank sends first). Returns
 * MPI_SUCCESS or the first error code. */
int cohort_c_pingpong(void *buf, int bytes, int peer, int tag, int trips, int first)
{
    int rc = MPI_SUCCESS;
    for (int i = 0; i < trips && rc == MPI_SUCCESS; i++) {
        if (first) {
            rc = MPI_Send(buf, bytes, MPI_BYTE, peer, tag, MPI_COMM_WORLD);
            if (rc == MPI_SUCCESS) rc = MPI_Recv(buf, bytes, MPI_BYTE, peer, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
            rc = MPI_Recv(buf, bytes, MPI_BYTE, peer, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            if (rc == MPI_SUCCESS) rc = MPI_Send(buf, bytes, MPI_BYTE, peer, tag, MPI_COMM_WORLD);
        }
    }
    return rc;
}
