package dev.cohort.benchmarks;

import dev.cohort.Comm;

/**
 * Synchronization the drivers need between timed sections, written over point-to-point so the
 * benchmarks run before the collectives module exists: a dissemination barrier and a gather of one
 * double per rank. Never inside a timed loop of a point-to-point benchmark. Tags at {@link #TAG_BASE}
 * and above are reserved for it.
 */
public final class Sync {
    static final int TAG_BASE = 30_000;
    private static final int BARRIER_TAG = TAG_BASE;
    private static final int GATHER_TAG = TAG_BASE + 1;
    private static final byte[] EMPTY = new byte[0];

    private Sync() {
    }

    /**
     * Returns once every rank of {@code comm} has entered: in round k each rank signals the rank 2^k
     * above it and waits for the rank 2^k below it (ceil(log2 size) rounds).
     */
    public static void barrier(Comm comm) {
        int size = comm.size();
        int rank = comm.rank();
        for (int k = 1; k < size; k <<= 1) {
            comm.sendrecv(EMPTY, 0, 0, (rank + k) % size, BARRIER_TAG, EMPTY, 0, 0, (rank - k + size) % size, BARRIER_TAG);
        }
    }

    /** Rank 0 gets every rank's value, by rank; other ranks get null. */
    public static double[] gather(Comm comm, double value) {
        double[] one = {value};
        if (comm.rank() != 0) {
            comm.send(one, 0, 1, 0, GATHER_TAG);
            return null;
        }
        double[] all = new double[comm.size()];
        all[0] = value;
        for (int r = 1; r < comm.size(); r++) {
            comm.recv(one, 0, 1, r, GATHER_TAG);
            all[r] = one[0];
        }
        return all;
    }
}
