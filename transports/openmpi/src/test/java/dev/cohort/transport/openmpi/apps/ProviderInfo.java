package dev.cohort.transport.openmpi.apps;

import dev.cohort.Cohort;

/** Prints the transport, the Open MPI version and the thread level of this rank. */
public final class ProviderInfo {
    private ProviderInfo() {
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            String version = Cohort.selectProvider("openmpi").version();
            System.out.println("rank " + mpi.rank() + " of " + mpi.size() + " on " + mpi.transportName() + ": " + version
                    + "; tag upper bound " + mpi.world().tagUpperBound());
        }
    }
}
