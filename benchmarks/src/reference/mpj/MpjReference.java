import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import mpi.Intracomm;
import mpi.MPI;

/**
 * Reference for {@code cohort bench compare}: MPJ Express (multicore device) directly, not through
 * Cohort, in one job to pay MPJ's start-up once:
 * <ul>
 *   <li>{@code mpj pingpong bytes=B half_rtt_us=T MBps=M iters=K}: Send/Recv of byte[] (MPI.BYTE),
 *       1 B .. 4 MiB doubling; messages above 8 KiB use LARGE_ITERS;</li>
 *   <li>{@code mpj objlatency small-dict half_rtt_us=T iters=K}: the map {a:1, b:[1,2,3], c:"hello"}
 *       sent as MPI.OBJECT (Java serialization), each side sending back what it received;</li>
 *   <li>{@code mpj allreduce doubles=N us=T iters=K}: Allreduce SUM of 1, 1024, 1048576 doubles, each
 *       rank timing its calls with a barrier after each, the mean over ranks.</li>
 * </ul>
 * Usage (from the directory holding this class): MPJ_HOME=H java -jar H/lib/starter.jar -np 2 -dev
 * multicore MpjReference [SMALL_ITERS [LARGE_ITERS]]
 */
public final class MpjReference {
    private static final int MAX = 4 << 20;

    public static void main(String[] args) throws Exception {
        String[] rest = MPI.Init(args);
        int small = rest.length > 0 ? Integer.parseInt(rest[0]) : 10000;
        int large = rest.length > 1 ? Integer.parseInt(rest[1]) : 1000;
        Intracomm world = MPI.COMM_WORLD;
        int rank = world.Rank();
        byte[] buf = new byte[MAX];
        for (int bytes = 1; bytes <= MAX; bytes *= 2) {
            int iters = bytes > 8192 ? large : small;
            int warm = Math.max(10, iters / 10) * (bytes == 1 ? 10 : 1);
            world.Barrier();
            long t0 = 0;
            for (int i = 0; i < warm + iters; i++) {
                if (i == warm) t0 = System.nanoTime();
                if (rank == 0) {
                    world.Send(buf, 0, bytes, MPI.BYTE, 1, 1);
                    world.Recv(buf, 0, bytes, MPI.BYTE, 1, 1);
                } else if (rank == 1) {
                    world.Recv(buf, 0, bytes, MPI.BYTE, 0, 1);
                    world.Send(buf, 0, bytes, MPI.BYTE, 0, 1);
                }
            }
            double half = (System.nanoTime() - t0) / 1e3 / iters / 2;
            if (rank == 0) print("mpj pingpong bytes=%d half_rtt_us=%.3f MBps=%.1f iters=%d", bytes, half, bytes / half, iters);
        }

        Map<String, Object> map = new HashMap<>();
        map.put("a", 1);
        map.put("b", new ArrayList<>(List.of(1, 2, 3)));
        map.put("c", "hello");
        Object[] box = {map};
        int objIters = Math.max(100, small / 2);
        int objWarm = Math.max(10, objIters / 5);
        world.Barrier();
        long t0 = 0;
        for (int i = 0; i < objWarm + objIters; i++) {
            if (i == objWarm) t0 = System.nanoTime();
            if (rank == 0) {
                world.Send(box, 0, 1, MPI.OBJECT, 1, 2);
                world.Recv(box, 0, 1, MPI.OBJECT, 1, 2);
            } else if (rank == 1) {
                world.Recv(box, 0, 1, MPI.OBJECT, 0, 2);
                world.Send(box, 0, 1, MPI.OBJECT, 0, 2);
            }
        }
        double objHalf = (System.nanoTime() - t0) / 1e3 / objIters / 2;
        if (rank == 0) {
            if (!map.equals(box[0])) throw new IllegalStateException("the map came back as " + box[0]);
            print("mpj objlatency small-dict half_rtt_us=%.3f iters=%d", objHalf, objIters);
        }

        double[] a = new double[1 << 20];
        double[] b = new double[1 << 20];
        Arrays.fill(a, 1.0);
        int arSmall = Math.max(50, small / 10);
        int arLarge = Math.max(5, large / 10);
        for (int n : new int[]{1, 1024, 1 << 20}) {
            int iters = n > 1024 ? arLarge : arSmall;
            int warm = Math.max(5, iters / 10);
            double total = 0;
            for (int i = 0; i < warm + iters; i++) {
                long s = System.nanoTime();
                world.Allreduce(a, 0, b, 0, n, MPI.DOUBLE, MPI.SUM);
                long e = System.nanoTime();
                if (i >= warm) total += e - s;
                world.Barrier();
            }
            double[] mine = {total / 1e3 / iters};
            double[] sum = new double[1];
            world.Reduce(mine, 0, sum, 0, 1, MPI.DOUBLE, MPI.SUM, 0);
            if (rank == 0) print("mpj allreduce doubles=%d us=%.3f iters=%d", n, sum[0] / world.Size(), iters);
        }
        MPI.Finalize();
    }

    private static void print(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
