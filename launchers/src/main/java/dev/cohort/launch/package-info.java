/**
 * The {@code cohort} command: {@code run} (start an SPMD job), {@code classpath}, {@code info} and
 * {@code bench}. Exit codes: 0 success, 1 a rank (or the job) failed, 2 bad usage or input.
 *
 * <p>Only {@link dev.cohort.launch.CohortMain} is public; the rest is the command's implementation.
 */
package dev.cohort.launch;
