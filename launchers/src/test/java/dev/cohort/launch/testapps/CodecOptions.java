package dev.cohort.launch.testapps;

import dev.cohort.Cohort;
import dev.cohort.CohortOptions;
import dev.cohort.Comm;
import dev.cohort.Request;
import dev.cohort.codec.CodecPolicy;

/**
 * Sends a record of this package around the ring: the default codec policy refuses it, so it only
 * arrives when the options this main passes to Cohort.init are the ones its session uses.
 */
public final class CodecOptions {
    private CodecOptions() {
    }

    /** A class no codec policy allows by default. */
    public record Point(int rank, int value) {
    }

    public static void main(String[] args) {
        CohortOptions options = CohortOptions.builder()
                .codecPolicy(CodecPolicy.builder().allowPackage("dev.cohort.launch.testapps").build())
                .copyObjects(false)
                .build();
        try (Cohort mpi = Cohort.init(options, args)) {
            Comm w = mpi.world();
            int next = (w.rank() + 1) % w.size(), prev = (w.rank() + w.size() - 1) % w.size();
            Request r = w.isendObject(new Point(w.rank(), 7), next, 1);
            Point got = w.recvObject(prev, 1);
            r.await();
            System.out.println("rank " + w.rank() + " got " + got);
        }
    }
}
