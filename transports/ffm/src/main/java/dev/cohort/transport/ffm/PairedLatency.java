package dev.cohort.transport.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

import dev.cohort.Cohort;
import dev.cohort.Comm;
import dev.cohort.Op;
import dev.cohort.testing.PairedTiming;

/**
 * Small-message ping-pong through Cohort's ffm transport (heap {@code byte[]}), through the C
 * library's own MPI_Send and MPI_Recv called bare from Java (critical downcalls on native memory,
 * the cheapest call FFM has: what C does, plus the downcall), and through a C loop of the same calls
 * ({@link CLoops}, compiled with the library's mpicc), in the same two processes, in alternating
 * blocks. Run it as {@code bin/cohort run -np 2 --transport ffm [--mpi mpich]
 * dev.cohort.transport.ffm.PairedLatency [BYTES [BLOCKS [ROUND_TRIPS]]]}; {@code bin/cohort bench
 * compare} runs it too.
 *
 * <p>Why: on a shared 2-core VM this machine's speed drifts by 2x within a second, so a C program and
 * a Java one launched one after the other compare different minutes. Here each Cohort block sits
 * between bare blocks a few milliseconds away, with the same MPI initialization and process placement.
 * Rank 0 prints the medians of the half round trips and the median and range of the per-block
 * ratios (each Cohort block against the mean of the reference blocks just before and after it), then
 * the result lines ({@link PairedTiming#resultLine}, references {@code mpi-calls} and {@code c}).
 * Without the C loop (no mpicc, or {@code -Dcohort.ffm.cReference=false}) it says why and times the
 * bare calls alone.
 */
public final class PairedLatency {
    private static final int TAG = 7;
    private static final MethodHandle SEND = Mpi.bind("MPI_Send", "AIHIIH", null);
    private static final MethodHandle RECV = Mpi.bind("MPI_Recv", "AIHIIHA", null);

    private PairedLatency() {
    }

    public static void main(String[] args) throws Throwable {
        int bytes = PairedTiming.arg(args, 0, "BYTES", 0, 8);
        int blocks = PairedTiming.arg(args, 1, "BLOCKS", 1, 40);
        int trips = PairedTiming.arg(args, 2, "ROUND_TRIPS", 1, 20_000);
        try (Cohort cohort = Cohort.init(args); Arena arena = Arena.ofConfined()) {
            Comm w = cohort.world();
            if (w.size() != 2) throw new IllegalArgumentException("PairedLatency needs exactly 2 ranks, not " + w.size());
            int peer = 1 - w.rank();
            boolean first = w.rank() == 0;
            byte[] heap = new byte[bytes];
            MemorySegment buf = arena.allocate(Math.max(1, bytes), 64);
            MemorySegment status = arena.allocate(Mpi.STATUS_SIZE, 8);
            String noC = null;
            CLoops c = null;
            if (Boolean.parseBoolean(System.getProperty("cohort.ffm.cReference", "true"))) {
                try {
                    c = CLoops.load();
                } catch (RuntimeException e) {
                    noC = e.getMessage();
                }
            } else {
                noC = "-Dcohort.ffm.cReference=false";
            }
            // both ranks run the C loop or neither does
            int[] loaded = {c != null ? 1 : 0}, everywhere = new int[1];
            w.allreduce(loaded, everywhere, Op.MIN);
            if (everywhere[0] == 0 && c != null) {
                c = null;
                noC = "the other rank could not load it";
            }
            for (int k = 0; k < 10; k++) {   // the JIT compiles both paths before any block is timed
                PairedTiming.cohortPingPong(w, heap, bytes, TAG, trips);
                bareTrips(buf, status, bytes, peer, first, trips);
                if (c != null) c.trips(buf, bytes, peer, TAG, trips, first);
            }
            double[] co = new double[blocks], bare = new double[blocks + 1], inC = new double[c != null ? blocks + 1 : 0];
            bare[0] = bareTrips(buf, status, bytes, peer, first, trips);
            if (c != null) inC[0] = c.trips(buf, bytes, peer, TAG, trips, first);
            for (int b = 0; b < blocks; b++) {
                co[b] = PairedTiming.cohortPingPong(w, heap, bytes, TAG, trips);
                bare[b + 1] = bareTrips(buf, status, bytes, peer, first, trips);
                if (c != null) inC[b + 1] = c.trips(buf, bytes, peer, TAG, trips, first);
            }
            if (first) {
                System.out.printf(Locale.ROOT, "paired bytes=%d blocks=%d round_trips=%d library=%s%n", bytes, blocks, trips,
                        Mpi.LIB.abi.family());
                System.out.printf(Locale.ROOT, "  half round trip, median us: cohort ffm heap %.3f, bare MPI_Send/MPI_Recv %.3f%s%n",
                        PairedTiming.median(co), PairedTiming.median(bare),
                        c != null ? String.format(Locale.ROOT, ", C MPI_Send/MPI_Recv %.3f", PairedTiming.median(inC)) : "");
                System.out.println("  cohort / bare: " + PairedTiming.summary(PairedTiming.ratios(co, bare)));
                if (c != null) System.out.println("  cohort / C: " + PairedTiming.summary(PairedTiming.ratios(co, inC)));
                else System.out.println("  no C reference: " + noC);
                System.out.println(PairedTiming.resultLine("ffm", bytes, "mpi-calls", co, bare));
                if (c != null) System.out.println(PairedTiming.resultLine("ffm", bytes, "c", co, inC));
            }
        }
    }

    /** The same by MPI_Send and MPI_Recv on MPI_COMM_WORLD (Cohort talks on communicators of its own). */
    private static double bareTrips(MemorySegment buf, MemorySegment status, int bytes, int peer, boolean first, int trips)
            throws Throwable {
        long t0 = System.nanoTime();
        for (int i = 0; i < trips; i++) {
            if (first) {
                check((int) SEND.invokeExact(buf, bytes, Mpi.BYTE, peer, TAG, Mpi.COMM_WORLD));
                check((int) RECV.invokeExact(buf, bytes, Mpi.BYTE, peer, TAG, Mpi.COMM_WORLD, status));
            } else {
                check((int) RECV.invokeExact(buf, bytes, Mpi.BYTE, peer, TAG, Mpi.COMM_WORLD, status));
                check((int) SEND.invokeExact(buf, bytes, Mpi.BYTE, peer, TAG, Mpi.COMM_WORLD));
            }
        }
        return (System.nanoTime() - t0) / 1e3 / trips / 2;
    }

    private static void check(int rc) {
        if (rc != 0) throw new IllegalStateException("MPI error " + rc);
    }
}
