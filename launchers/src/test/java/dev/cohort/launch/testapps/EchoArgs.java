package dev.cohort.launch.testapps;

import dev.cohort.Cohort;

import java.util.Arrays;

/** Prints the arguments main got and those the session reports. */
public final class EchoArgs {
    private EchoArgs() {
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            System.out.println("rank " + mpi.rank() + " of " + mpi.size() + " main " + Arrays.toString(args)
                    + " session " + Arrays.toString(mpi.args()));
        }
    }
}
