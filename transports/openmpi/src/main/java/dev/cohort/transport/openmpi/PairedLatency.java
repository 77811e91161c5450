package dev.cohort.transport.openmpi;

import java.nio.ByteBuffer;
import java.util.Locale;

import dev.cohort.Cohort;
import dev.cohort.Comm;
import dev.cohort.testing.PairedTiming;
import mpi.MPI;
import mpi.MPIException;

/**
 * Small-message ping-pong through Cohort (heap {@code byte[]}) and through Open MPI's own Java
 * bindings (a direct buffer from {@code MPI.newByteBuffer}, and a heap {@code byte[]}), in the same
 * two processes, in alternating blocks. Run it as {@code bin/cohort run -np 2 --transport openmpi
 * dev.cohort.transport.openmpi.PairedLatency [BYTES [BLOCKS [ROUND_TRIPS]]]}; {@code bin/cohort bench
 * compare} runs it too. With {@code --transport ffm} (over Open MPI) it times the ffm transport against
 * the same bindings: they start MPI, at MPI_Init's level, and ffm takes it as it finds it.
 *
 * <p>Why: on a shared 2-core VM this machine's speed drifts by 2x within a second, so two separate
 * launches, even interleaved, compare different minutes. Here each Cohort block sits between raw
 * blocks a few milliseconds away, under the same MPI initialization (so the same thread level) and
 * the same process placement. Rank 0 prints the medians of each variant's half round trip and the
 * median and range of the per-block ratios (each Cohort block against the mean of the raw blocks
 * just before and after it), then the same against the direct buffer as a result line
 * ({@link PairedTiming#resultLine}, reference {@code ompi-direct}, or {@code ompi-direct-single} when
 * the openmpi transport runs at MPI_THREAD_SINGLE).
 */
public final class PairedLatency {
    private static final int TAG = 7;

    private PairedLatency() {
    }

    public static void main(String[] args) throws MPIException {
        int bytes = PairedTiming.arg(args, 0, "BYTES", 0, 8);
        int blocks = PairedTiming.arg(args, 1, "BLOCKS", 1, 40);
        int trips = PairedTiming.arg(args, 2, "ROUND_TRIPS", 1, 20_000);
        // Under the ffm transport (bin/cohort run --transport ffm sets cohort.transport=ffm) the bindings
        // start MPI first and ffm takes it as it finds it: the bindings work only where they started MPI.
        boolean bindingsFirst = "ffm".equals(System.getProperty("cohort.transport"));
        if (bindingsFirst) MPI.Init(args);
        try (Cohort cohort = Cohort.init(args)) {
            String transport = cohort.transportName();
            if (!transport.equals("openmpi") && !bindingsFirst) {
                throw new IllegalStateException("PairedLatency runs under the openmpi transport, or under ffm when started with"
                        + " -Dcohort.transport=ffm (bin/cohort run --transport ffm), not under " + transport);
            }
            Comm w = cohort.world();
            if (w.size() != 2) throw new IllegalArgumentException("PairedLatency needs exactly 2 ranks, not " + w.size());
            int peer = 1 - w.rank();
            boolean first = w.rank() == 0;
            byte[] heap = new byte[bytes];
            byte[] rawHeap = new byte[bytes];
            ByteBuffer direct = MPI.newByteBuffer(Math.max(1, bytes));
            mpi.Intracomm raw = MPI.COMM_WORLD;   // Cohort talks on communicators of its own
            // warm-up: the JIT compiles all three paths before any block is timed
            for (int k = 0; k < 10; k++) {
                PairedTiming.cohortPingPong(w, heap, bytes, TAG, trips);
                rawTrips(raw, direct, bytes, peer, first, trips);
                rawTrips(raw, rawHeap, bytes, peer, first, trips);
            }
            double[] co = new double[blocks], di = new double[blocks + 1], he = new double[blocks];
            di[0] = rawTrips(raw, direct, bytes, peer, first, trips);
            for (int b = 0; b < blocks; b++) {
                co[b] = PairedTiming.cohortPingPong(w, heap, bytes, TAG, trips);
                he[b] = rawTrips(raw, rawHeap, bytes, peer, first, trips);
                di[b + 1] = rawTrips(raw, direct, bytes, peer, first, trips);
            }
            if (first) {
                System.out.printf(Locale.ROOT, "paired transport=%s bytes=%d blocks=%d round_trips=%d thread_level=%s%n", transport,
                        bytes, blocks, trips, bindingsFirst ? OpenMpiTransport.threadLevelName(MPI.queryThread()) : OpenMpiTransport.threadLevel());
                System.out.printf(Locale.ROOT, "  half round trip, median us: cohort heap %.3f, raw direct %.3f, raw heap %.3f%n",
                        PairedTiming.median(co), PairedTiming.median(di), PairedTiming.median(he));
                System.out.println("  cohort / raw direct: " + PairedTiming.summary(PairedTiming.ratios(co, di)));
                System.out.println("  raw heap / raw direct: " + PairedTiming.summary(PairedTiming.ratios(he, di)));
                // at MPI_THREAD_SINGLE (-Dcohort.openmpi.threadLevel=single) a reference of its own, so that
                // compare reports both levels; under ffm the bindings' MPI_Init chose the level
                boolean single = !bindingsFirst && "MPI_THREAD_SINGLE".equals(OpenMpiTransport.threadLevel());
                System.out.println(PairedTiming.resultLine(transport, bytes, single ? "ompi-direct-single" : "ompi-direct", co, di));
            }
        } finally {
            if (bindingsFirst) MPI.Finalize();
        }
    }

    /** The same through the bindings, on a direct buffer or a heap array. */
    private static double rawTrips(mpi.Intracomm c, Object buf, int bytes, int peer, boolean first, int trips)
            throws MPIException {
        long t0 = System.nanoTime();
        for (int i = 0; i < trips; i++) {
            if (first) {
                c.send(buf, bytes, MPI.BYTE, peer, TAG);
                c.recv(buf, bytes, MPI.BYTE, peer, TAG);
            } else {
                c.recv(buf, bytes, MPI.BYTE, peer, TAG);
                c.send(buf, bytes, MPI.BYTE, peer, TAG);
            }
        }
        return (System.nanoTime() - t0) / 1e3 / trips / 2;
    }
}
