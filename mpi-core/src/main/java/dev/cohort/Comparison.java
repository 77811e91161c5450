package dev.cohort;

/**
 * The result of comparing two groups ({@link Group#compare(Group, Group)}) or two communicators, after
 * MPI's {@code MPI_IDENT}, {@code MPI_CONGRUENT}, {@code MPI_SIMILAR} and {@code MPI_UNEQUAL}.
 */
public enum Comparison {
    /**
     * Groups: the same members in the same order. Communicators: the very same communicator (same
     * group and same context).
     */
    IDENT,
    /**
     * Communicators only: the same group in the same order, but different contexts (for example a
     * communicator and its duplicate). Never returned for groups.
     */
    CONGRUENT,
    /** The same members in a different order (for communicators: of their groups). */
    SIMILAR,
    /** Different members. */
    UNEQUAL
}
