package dev.cohort.transport.mpj.apps;

import dev.cohort.Cohort;
import dev.cohort.Comm;

import java.util.concurrent.TimeUnit;

/**
 * Rank 1's process is killed with SIGKILL (it sends the signal to itself, so no Java code of it runs
 * after: no exception, no abort notice, no goodbye); every other rank waits for a message from it
 * that never comes, until the job is ended.
 */
public final class KillRankOne {
    private KillRankOne() {
    }

    public static void main(String[] args) throws Exception {
        try (Cohort mpi = Cohort.init(args)) {
            Comm world = mpi.world();
            world.barrier();
            if (world.rank() == 1) {
                new ProcessBuilder("kill", "-KILL", Long.toString(ProcessHandle.current().pid())).inheritIO().start();
                TimeUnit.SECONDS.sleep(60);   // the signal ends the process before this does
                throw new IllegalStateException("rank 1 was not killed");
            }
            world.recv(new int[1], 0, 1, 1, 5);
        }
    }
}
