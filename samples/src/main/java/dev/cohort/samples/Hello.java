package dev.cohort.samples;

import dev.cohort.Cohort;
import dev.cohort.Comm;

/**
 * mpi4py tutorial, "Hello World": every rank prints its rank, the job size and its host.
 *
 * <pre>{@code
 * bin/cohort run -np 4 dev.cohort.samples.Hello
 * }</pre>
 */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            Comm world = mpi.world();
            System.out.println("Hello, World! I am process " + world.rank() + " of " + world.size()
                    + " on " + mpi.processorName() + ".");
        }
    }
}
