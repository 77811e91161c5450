package dev.cohort.launch.testapps;

import dev.cohort.Cohort;

/**
 * Prints lines in pieces, from the rank thread and from a thread the rank starts, to stdout and
 * stderr, and ends with an unfinished line.
 */
public final class TaggedLines {
    private TaggedLines() {
    }

    public static void main(String[] args) throws InterruptedException {
        try (Cohort mpi = Cohort.init(args)) {
            int r = mpi.rank();
            System.out.print("first ");
            System.out.print("line of ");
            System.out.println(r);
            System.err.println("error line of " + r);
            Thread helper = new Thread(() -> System.out.println("helper thread of " + r));
            helper.start();
            helper.join();
            System.out.print("unfinished " + r);
        }
    }
}
