package dev.cohort.transport.openmpi.apps;

import dev.cohort.Cohort;
import dev.cohort.Comm;
import dev.cohort.Op;

/**
 * Times allreduce SUM of heap double[] the way the Open MPI anchor does (1, 1024 and 1 Mi doubles;
 * rank 0 prints "cohort allreduce doubles=N us=T"). Run under mpirun; not a unit test.
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
                for (int i = 0; i < it / 10 + 1; i++) w.allreduce(a, b, Op.SUM);
                w.barrier();
                long t0 = System.nanoTime();
                for (int i = 0; i < it; i++) w.allreduce(a, b, Op.SUM);
                double us = (System.nanoTime() - t0) / 1e3 / it;
                if (w.rank() == 0) System.out.printf("cohort allreduce doubles=%d us=%.2f%n", n, us);
            }
        }
    }
}
