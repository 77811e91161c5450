package dev.cohort.launch;

/**
 * The rank of the current thread in a local job started by {@code cohort run}: set by each rank
 * thread before it calls the program's main, inherited by the threads the program starts. Used to
 * tag output lines.
 */
final class RankContext {
    private static final InheritableThreadLocal<Integer> RANK = new InheritableThreadLocal<>();

    private RankContext() {
    }

    static void set(int rank) {
        RANK.set(rank);
    }

    static void clear() {
        RANK.remove();
    }

    /** The current thread's rank, or -1 outside a rank. */
    static int current() {
        Integer r = RANK.get();
        return r == null ? -1 : r;
    }
}
