package dev.cohort.samples;

import dev.cohort.Cohort;
import dev.cohort.Comm;
import dev.cohort.Status;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * mpi4py tutorial, "Point-to-Point Communication": rank 0 sends rank 1 a Python-style dictionary on
 * the object path (tag 1337) and an array of doubles on the buffer path (tag 1456); rank 1 receives
 * both and prints them. Other ranks take no part.
 *
 * <p>Needs at least 2 ranks; with one it prints a message to stderr and exits with status 2.
 */
public final class PointToPoint {
    static final int OBJECT_TAG = 1337;
    static final int ARRAY_TAG = 1456;
    static final int COUNT = 10;

    private PointToPoint() {
    }

    public static void main(String[] args) {
        int exitStatus = 0;
        try (Cohort mpi = Cohort.init(args)) {
            Comm world = mpi.world();
            if (world.size() < 2) {
                // size 1: this is rank 0 and the only rank
                System.err.println("PointToPoint needs at least 2 ranks");
                exitStatus = 2;
            } else if (world.rank() == 0) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("a", 7);
                data.put("b", 3.14);
                world.sendObject(data, 1, OBJECT_TAG);

                double[] numbers = new double[COUNT];
                for (int i = 0; i < COUNT; i++) numbers[i] = i;
                world.send(numbers, 0, COUNT, 1, ARRAY_TAG);
                System.out.println("Rank 0 sent " + data + " (tag " + OBJECT_TAG + ") and "
                        + Arrays.toString(numbers) + " (tag " + ARRAY_TAG + ") to rank 1");
            } else if (world.rank() == 1) {
                Map<String, Object> data = world.recvObject(0, OBJECT_TAG);
                System.out.println("Rank 1 received " + data + " (tag " + OBJECT_TAG + ") from rank 0");

                double[] numbers = new double[COUNT];
                Status s = world.recv(numbers, 0, COUNT, 0, ARRAY_TAG);
                System.out.println("Rank 1 received " + s.count() + " doubles " + Arrays.toString(numbers)
                        + " (tag " + s.tag() + ") from rank " + s.source());
            }
        }
        if (exitStatus != 0) System.exit(exitStatus);
    }
}
