/**
 * The Open MPI transport: Cohort's transport SPI over Open MPI's Java bindings (mpi.jar and
 * libmpi_java). Provider name {@code openmpi}; chosen automatically under {@code mpirun}.
 *
 * <p>Point-to-point: heap arrays are staged through pooled direct memory; element types travel in the
 * low bits of the MPI tag, and receives probe before they receive, so that a receive of the wrong
 * type or too small a buffer fails (TYPE, TRUNCATE) without consuming the message, as on every
 * Cohort transport. Collectives go to Open MPI's own nonblocking collectives.
 *
 * <p>Open MPI 6 removes the Java bindings: nothing outside this module refers to it, so it can be
 * deleted with its Maven profile.
 */
package dev.cohort.transport.openmpi;
