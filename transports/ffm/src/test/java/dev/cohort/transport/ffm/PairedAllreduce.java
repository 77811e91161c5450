package dev.cohort.transport.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;

import dev.cohort.Cohort;
import dev.cohort.Comm;
import dev.cohort.testing.PairedTiming;

/**
 * Allreduce (SUM of doubles) through Cohort's ffm transport (heap {@code double[]}) and through a C loop
 * of MPI_Allreduce calls on native memory ({@link CLoops}, compiled with the library's mpicc), in the
 * same processes, in alternating blocks of back-to-back calls; see {@link PairedLatency} for why. Not a
 * test: run it with the test class path, as {@code bin/cohort run -np 2 --transport ffm [--mpi mpich]
 * -cp transports/ffm/target/test-classes dev.cohort.transport.ffm.PairedAllreduce [DOUBLES [BLOCKS
 * [CALLS]]]}. Rank 0 prints the median time per call of each and the per-block ratios.
 */
public final class PairedAllreduce {
    private PairedAllreduce() {
    }

    public static void main(String[] args) {
        int count = PairedTiming.arg(args, 0, "DOUBLES", 1, 1);
        int blocks = PairedTiming.arg(args, 1, "BLOCKS", 1, 40);
        int calls = PairedTiming.arg(args, 2, "CALLS", 1, 20_000);
        try (Cohort cohort = Cohort.init(args); Arena arena = Arena.ofConfined()) {
            Comm w = cohort.world();
            CLoops c = CLoops.load();   // after MPI started: it checks that it shares the transport's MPI
            double[] send = new double[count], recv = new double[count];
            for (int i = 0; i < count; i++) send[i] = w.rank() + i;
            MemorySegment cSend = arena.allocate(8L * count, 64), cRecv = arena.allocate(8L * count, 64);
            MemorySegment.copy(send, 0, cSend, ValueLayout.JAVA_DOUBLE, 0, count);
            for (int k = 0; k < 10; k++) {   // the JIT compiles Cohort's path before any block is timed
                PairedTiming.cohortAllreduce(w, send, recv, calls);
                c.allreduce(cSend, cRecv, count, calls);
            }
            double expected = 0;
            for (int r = 0; r < w.size(); r++) expected += r;
            double fromC = cRecv.get(ValueLayout.JAVA_DOUBLE, 0);
            if (recv[0] != expected || fromC != expected) {
                throw new IllegalStateException("allreduce gave " + recv[0] + " and " + fromC + ", not " + expected);
            }
            double[] co = new double[blocks], inC = new double[blocks + 1];
            inC[0] = c.allreduce(cSend, cRecv, count, calls);
            for (int b = 0; b < blocks; b++) {
                co[b] = PairedTiming.cohortAllreduce(w, send, recv, calls);
                inC[b + 1] = c.allreduce(cSend, cRecv, count, calls);
            }
            if (w.rank() == 0) {
                System.out.printf(Locale.ROOT, "paired allreduce doubles=%d ranks=%d blocks=%d calls=%d library=%s%n", count,
                        w.size(), blocks, calls, Mpi.ABI.family());
                System.out.printf(Locale.ROOT, "  per call, median us: cohort ffm heap %.3f, C MPI_Allreduce %.3f%n",
                        PairedTiming.median(co), PairedTiming.median(inC));
                System.out.println("  cohort / C: " + PairedTiming.summary(PairedTiming.ratios(co, inC)));
            }
        }
    }
}
