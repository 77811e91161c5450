/**
 * Runnable programs: the mpi4py tutorial in Java. Each is an ordinary {@code main} that joins the
 * job with {@code Cohort.init(args)}, so it runs unchanged under {@code cohort run -np N}, under plain
 * {@code java} (one rank) and, once native transports exist, under {@code mpirun}.
 *
 * <p>Every output line is printed with a single {@code println} so that lines of thread ranks never
 * interleave mid-line.
 */
package dev.cohort.samples;
