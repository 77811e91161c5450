package dev.cohort.launch.testapps;

import dev.cohort.Cohort;

/** Prints, on every rank, the system property named by the first argument as the rank's JVM sees it. */
public final class PrintProperty {
    private PrintProperty() {
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            System.out.println("rank " + mpi.rank() + " " + args[0] + "=" + System.getProperty(args[0]));
        }
    }
}
