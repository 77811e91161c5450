package dev.cohort.transport.openmpi;

import java.nio.DoubleBuffer;
import java.util.Locale;

import dev.cohort.Cohort;
import dev.cohort.Comm;
import dev.cohort.testing.PairedTiming;
import mpi.MPI;
import mpi.MPIException;

/**
 * Allreduce (SUM of doubles) through Cohort (heap {@code double[]}) and through Open MPI's own Java
 * bindings (direct buffers from {@code MPI.newDoubleBuffer}), in the same processes, in alternating
 * blocks of back-to-back calls; see {@link PairedLatency} for why. Not a test: run it under mpirun
 * with the test class path, as {@code bin/cohort run -np 2 --transport openmpi -cp
 * transports/openmpi/target/test-classes dev.cohort.transport.openmpi.PairedAllreduce [DOUBLES
 * [BLOCKS [CALLS]]]}. Rank 0 prints the median time per call of each and the per-block ratios.
 */
public final class PairedAllreduce {
    private PairedAllreduce() {
    }

    public static void main(String[] args) throws MPIException {
        int count = PairedTiming.arg(args, 0, "DOUBLES", 1, 1);
        int blocks = PairedTiming.arg(args, 1, "BLOCKS", 1, 40);
        int calls = PairedTiming.arg(args, 2, "CALLS", 1, 20_000);
        try (Cohort cohort = Cohort.init(args)) {
            Comm w = cohort.world();
            double[] send = new double[count], recv = new double[count];
            for (int i = 0; i < count; i++) send[i] = w.rank() + i;
            DoubleBuffer rawSend = MPI.newDoubleBuffer(count), rawRecv = MPI.newDoubleBuffer(count);
            rawSend.put(0, send);
            mpi.Intracomm raw = MPI.COMM_WORLD;
            for (int k = 0; k < 10; k++) {   // the JIT compiles both paths before any block is timed
                PairedTiming.cohortAllreduce(w, send, recv, calls);
                rawCalls(raw, rawSend, rawRecv, count, calls);
            }
            double expected = 0;
            for (int r = 0; r < w.size(); r++) expected += r;
            if (recv[0] != expected || rawRecv.get(0) != expected) {
                throw new IllegalStateException("allreduce gave " + recv[0] + " and " + rawRecv.get(0) + ", not " + expected);
            }
            double[] co = new double[blocks], di = new double[blocks + 1];
            di[0] = rawCalls(raw, rawSend, rawRecv, count, calls);
            for (int b = 0; b < blocks; b++) {
                co[b] = PairedTiming.cohortAllreduce(w, send, recv, calls);
                di[b + 1] = rawCalls(raw, rawSend, rawRecv, count, calls);
            }
            if (w.rank() == 0) {
                System.out.printf(Locale.ROOT, "paired allreduce doubles=%d ranks=%d blocks=%d calls=%d thread_level=%s%n", count,
                        w.size(), blocks, calls, OpenMpiTransport.threadLevel());
                System.out.printf(Locale.ROOT, "  per call, median us: cohort heap %.3f, raw direct %.3f%n",
                        PairedTiming.median(co), PairedTiming.median(di));
                System.out.println("  cohort / raw direct: " + PairedTiming.summary(PairedTiming.ratios(co, di)));
            }
        }
    }

    private static double rawCalls(mpi.Intracomm c, DoubleBuffer send, DoubleBuffer recv, int count, int calls)
            throws MPIException {
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) c.allReduce(send, recv, count, MPI.DOUBLE, MPI.SUM);
        return (System.nanoTime() - t0) / 1e3 / calls;
    }
}
