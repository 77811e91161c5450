import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.Locale;

import mpi.Comm;
import mpi.MPI;
import mpi.MPIException;

/**
 * Reference for {@code cohort bench compare}: allreduce (SUM) of 1, 1024 and 1048576 doubles over
 * Open MPI's own Java bindings, from heap {@code double[]} and from direct DoubleBuffers. Every rank
 * times its own calls with a barrier after each (OSU's method); rank 0 prints the mean over ranks:
 * {@code ompi-heap allreduce doubles=N us=T iters=K} and the same for {@code ompi-direct}.
 * Usage: mpirun -np 2 java -cp mpi.jar:DIR OmpiAllreduce [SMALL_ITERS [LARGE_ITERS]]
 */
public final class OmpiAllreduce {
    private static final int MAX = 1 << 20;

    public static void main(String[] args) throws MPIException {
        int small = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int large = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        MPI.Init(args);
        Comm world = MPI.COMM_WORLD;
        double[] a = new double[MAX];
        double[] b = new double[MAX];
        Arrays.fill(a, 1.0);
        DoubleBuffer da = MPI.newDoubleBuffer(MAX);
        DoubleBuffer db = MPI.newDoubleBuffer(MAX);
        for (int i = 0; i < MAX; i++) da.put(i, 1.0);
        for (int variant = 0; variant < 2; variant++) {
            for (int n : new int[]{1, 1024, MAX}) {
                int iters = n > 1024 ? large : small;
                int warm = Math.max(5, iters / 10) * (n == 1 ? 10 : 1);
                double total = 0;
                for (int i = 0; i < warm + iters; i++) {
                    long t0 = System.nanoTime();
                    if (variant == 0) world.allReduce(a, b, n, MPI.DOUBLE, MPI.SUM);
                    else world.allReduce(da, db, n, MPI.DOUBLE, MPI.SUM);
                    long t1 = System.nanoTime();
                    if (i >= warm) total += t1 - t0;
                    world.barrier();
                }
                double[] mine = {total / 1e3 / iters};
                double[] sum = new double[1];
                world.reduce(mine, sum, 1, MPI.DOUBLE, MPI.SUM, 0);
                if (world.getRank() == 0) {
                    System.out.printf(Locale.ROOT, "%s allreduce doubles=%d us=%.3f iters=%d%n",
                            variant == 0 ? "ompi-heap" : "ompi-direct", n, sum[0] / world.getSize(), iters);
                    System.out.flush();
                }
            }
        }
        MPI.Finalize();
    }
}
