/**
 * The "ffm" transport: Cohort's transport SPI over any C MPI library (Open MPI 4/5, MPICH 4 and its
 * ABI relatives) through java.lang.foreign, on JDK 22 or newer. See README.md in this module.
 *
 * <p><b>Handle ABI: detect and adapt, no C shim.</b> Open MPI's handles are addresses of global
 * objects (MPI_COMM_WORLD is {@code &ompi_mpi_comm_world}, MPI_DOUBLE {@code &ompi_mpi_double});
 * MPICH's are int constants from mpi.h (MPI_COMM_WORLD is 0x44000000). The transport loads libmpi,
 * calls MPI_Get_library_version (allowed before MPI_Init) and picks an {@link
 * dev.cohort.transport.ffm.Abi}: handle width, predefined handles (symbol lookups or constants),
 * MPI_Status layout, MPI_ANY_SOURCE, MPI_IN_PLACE. The alternative, compiling a tiny C shim with the
 * installed mpicc at set-up, was rejected: it needs a compiler and the -dev package on every node,
 * a writable cache and a build step before the first run, and it puts a native call of our own in
 * front of every MPI call. The ABI facts used here are few, public (mpi.h) and stable across each
 * family's releases; a library of neither family is refused with a message rather than guessed.
 *
 * <p>Classes: {@link dev.cohort.transport.ffm.FfmTransportProvider} (compiled for Java 17, loads the
 * rest reflectively), MpiLibrary (finding and identifying libmpi), Abi, Mpi (the downcall handles),
 * FfmTransport (point-to-point, matching, progress), FfmOp (its requests), FfmCollectives (the
 * library's collectives), StagingPool (native blocks for nonblocking sends).
 */
package dev.cohort.transport.ffm;
