package dev.cohort.transport.ffm;

import dev.cohort.Cohort;
import dev.cohort.Comm;
import dev.cohort.Op;

/** Prints whether this rank's ffm transport polls its blocking collectives, and runs a few of them. */
public final class CollectiveModeApp {
    private CollectiveModeApp() {
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            Comm w = mpi.world();
            FfmTransport t = (FfmTransport) mpi.transport();
            for (int i = 0; i < 200; i++) w.barrier();
            int sum = w.allreduce(w.rank() + 1, Op.SUM);
            System.out.println("rank " + w.rank() + " polls " + t.pollsCollectives() + " sum " + sum);
        }
    }
}
