import java.nio.ByteBuffer;

import mpi.Comm;
import mpi.MPI;
import mpi.MPIException;

/**
 * Reference for {@code cohort bench compare}: ping-pong over Open MPI's own Java bindings (mpi.jar),
 * not through Cohort. Two variants, as a user of the bindings would write them: heap {@code byte[]}
 * (the bindings copy it through JNI) and a direct ByteBuffer from {@code MPI.newByteBuffer}.
 * Usage: mpirun -np 2 java -cp mpi.jar:DIR OmpiPingPong [SMALL_ITERS [LARGE_ITERS]]
 * Rank 0 prints {@code ompi-heap pingpong bytes=B half_rtt_us=T MBps=M iters=K} and the same for
 * {@code ompi-direct}, sizes 1 B .. 4 MiB doubling; messages above 8 KiB use LARGE_ITERS.
 */
public final class OmpiPingPong {
    private static final int MAX = 4 << 20;

    public static void main(String[] args) throws MPIException {
        int small = args.length > 0 ? Integer.parseInt(args[0]) : 10000;
        int large = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        MPI.Init(args);
        Comm world = MPI.COMM_WORLD;
        byte[] heap = new byte[MAX];
        ByteBuffer direct = MPI.newByteBuffer(MAX);
        for (int variant = 0; variant < 2; variant++) {
            Object buf = variant == 0 ? heap : direct;
            String tag = variant == 0 ? "ompi-heap" : "ompi-direct";
            for (int bytes = 1; bytes <= MAX; bytes *= 2) {
                int iters = bytes > 8192 ? large : small;
                // the first size also warms the JIT up
                int warm = Math.max(10, iters / 10) * (bytes == 1 ? 10 : 1);
                double half = pingPong(world, buf, bytes, warm, iters);
                if (world.getRank() == 0) {
                    System.out.printf(java.util.Locale.ROOT, "%s pingpong bytes=%d half_rtt_us=%.3f MBps=%.1f iters=%d%n",
                            tag, bytes, half, bytes / half, iters);
                    System.out.flush();
                }
            }
        }
        MPI.Finalize();
    }

    /** Half the mean round trip in microseconds. */
    private static double pingPong(Comm world, Object buf, int bytes, int warm, int iters) throws MPIException {
        int rank = world.getRank();
        world.barrier();
        long t0 = 0;
        for (int i = 0; i < warm + iters; i++) {
            if (i == warm) t0 = System.nanoTime();
            if (rank == 0) {
                send(world, buf, bytes, 1);
                recv(world, buf, bytes, 1);
            } else if (rank == 1) {
                recv(world, buf, bytes, 0);
                send(world, buf, bytes, 0);
            }
        }
        return (System.nanoTime() - t0) / 1e3 / iters / 2;
    }

    private static void send(Comm world, Object buf, int bytes, int peer) throws MPIException {
        if (buf instanceof byte[]) world.send((byte[]) buf, bytes, MPI.BYTE, peer, 1);
        else world.send((ByteBuffer) buf, bytes, MPI.BYTE, peer, 1);
    }

    private static void recv(Comm world, Object buf, int bytes, int peer) throws MPIException {
        if (buf instanceof byte[]) world.recv((byte[]) buf, bytes, MPI.BYTE, peer, 1);
        else world.recv((ByteBuffer) buf, bytes, MPI.BYTE, peer, 1);
    }
}
