package dev.cohort.samples;

import dev.cohort.Cohort;
import dev.cohort.Comm;
import dev.cohort.Op;

/**
 * Computes pi as the integral of 4 / (1 + x^2) over [0, 1] with the midpoint rule: rank 0 broadcasts
 * the number of intervals (first argument, default 1,000,000), each rank sums every size-th interval,
 * and a reduction adds the parts on rank 0, which prints the result and its error.
 */
public final class Pi {
    private Pi() {
    }

    /** This rank's share of the midpoint sum, already scaled by the interval width. */
    static double partialSum(long intervals, int rank, int size) {
        double h = 1.0 / intervals, sum = 0;
        for (long i = rank; i < intervals; i += size) {
            double x = h * (i + 0.5);
            sum += 4.0 / (1.0 + x * x);
        }
        return h * sum;
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            Comm world = mpi.world();
            long[] n = {1_000_000};
            String[] a = mpi.args();
            if (world.rank() == 0 && a.length > 0) n[0] = Long.parseLong(a[0]);
            world.bcast(n, 0);
            double pi = world.reduce(partialSum(n[0], world.rank(), world.size()), Op.SUM, 0);
            if (world.rank() == 0) {
                System.out.printf("pi is approximately %.16f, error %.3e (%d intervals, %d ranks)%n", pi, Math.abs(pi - Math.PI), n[0],
                        world.size());
            }
        }
    }
}
