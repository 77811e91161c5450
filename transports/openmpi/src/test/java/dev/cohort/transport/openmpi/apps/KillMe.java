package dev.cohort.transport.openmpi.apps;

import dev.cohort.Cohort;
import dev.cohort.Comm;

/** Prints "pid RANK PID" and then every rank waits for a message that never comes (a test kills one rank). */
public final class KillMe {
    private KillMe() {
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            Comm world = mpi.world();
            System.out.println("pid " + world.rank() + " " + ProcessHandle.current().pid());
            System.out.flush();
            world.recv(new int[1], (world.rank() + 1) % world.size(), 99);
        }
    }
}
