package dev.cohort.transport.ffm.bench;

import dev.cohort.Cohort;
import dev.cohort.Comm;
import dev.cohort.Op;

/**
 * Allreduce SUM of 1, 1024 and 1 Mi doubles in heap arrays, timed like the C anchor
 * (shared/anchors/pingpong/allreduce.c): same counts, iterations and warm-up. Not a test: run it
 * under mpirun with the test class path. Rank 0 prints "cohort allreduce doubles=N us=T".
 */
public final class AllreduceTiming {
    private AllreduceTiming() {
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            Comm w = mpi.world();
            for (int n : new int[]{1, 1024, 1 << 20}) {
                double[] a = new double[n], b = new double[n];
                for (int i = 0; i < n; i++) a[i] = i;
                int it = n == 1 ? 20000 : n == 1024 ? 5000 : 30;
                // the JIT needs more warm-up than C: one extra round of the timed loop
                for (int i = 0; i < it + it / 10 + 1; i++) w.allreduce(a, b, Op.SUM);
                w.barrier();
                long t0 = System.nanoTime();
                for (int i = 0; i < it; i++) w.allreduce(a, b, Op.SUM);
                double us = (System.nanoTime() - t0) / 1e3 / it;
                if (w.rank() == 0) System.out.printf("cohort allreduce doubles=%d us=%.2f transport=%s%n", n, us, mpi.transportName());
            }
        }
    }
}
