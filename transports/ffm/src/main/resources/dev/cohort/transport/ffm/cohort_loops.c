/*
 * The C references of the ffm transport's paired tools (dev.cohort.transport.ffm.PairedLatency, and
 * PairedAllreduce in its test sources): a ping-pong by MPI_Send and MPI_Recv and a run of
 * MPI_Allreduce calls on MPI_COMM_WORLD, as a C benchmark does them. The tools compile this file with
 * the MPI library's own mpicc into Cohort's cache (CLoops.java) and call it between their Cohort
 * blocks, in the same processes, so that Cohort is timed against C a few milliseconds apart with the
 * same MPI initialization and process placement.
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

/* CALLS allreduces (SUM) of COUNT doubles from SEND into RECV. Returns MPI_SUCCESS or the first error
 * code. */
int cohort_c_allreduce(const double *send, double *recv, int count, int calls)
{
    int rc = MPI_SUCCESS;
    for (int i = 0; i < calls && rc == MPI_SUCCESS; i++) {
        rc = MPI_Allreduce(send, recv, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    }
    return rc;
}
