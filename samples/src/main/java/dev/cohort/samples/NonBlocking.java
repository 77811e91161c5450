package dev.cohort.samples;

import dev.cohort.Cohort;
import dev.cohort.Comm;
import dev.cohort.Request;

import java.util.Arrays;

/**
 * mpi4py tutorial, nonblocking communication: ranks pair up (0 with 1, 2 with 3, ...) and swap five
 * doubles with {@code isend}/{@code irecv}, then wait for both requests with {@link Request#waitAll}.
 * When the job size is odd the last rank has no partner and exchanges with {@link Comm#PROC_NULL}:
 * both of its requests complete at once and its receive buffer is left untouched.
 */
public final class NonBlocking {
    static final int COUNT = 5;
    static final int TAG = 0;

    private NonBlocking() {
    }

    /** The rank that {@code rank} exchanges with in a job of {@code size}, or PROC_NULL. */
    static int partnerOf(int rank, int size) {
        int partner = rank % 2 == 0 ? rank + 1 : rank - 1;
        return partner < size ? partner : Comm.PROC_NULL;
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            Comm world = mpi.world();
            int rank = world.rank();
            int partner = partnerOf(rank, world.size());

            double[] out = new double[COUNT];
            for (int i = 0; i < COUNT; i++) out[i] = 10.0 * rank + i;
            double[] in = new double[COUNT];

            Request send = world.isend(out, 0, COUNT, partner, TAG);
            Request recv = world.irecv(in, 0, COUNT, partner, TAG);
            Request.waitAll(send, recv);

            if (partner == Comm.PROC_NULL) {
                System.out.println("Rank " + rank + " has no partner: exchanged with PROC_NULL and received nothing");
            } else {
                System.out.println("Rank " + rank + " received " + Arrays.toString(in) + " from rank " + partner);
            }
        }
    }
}
