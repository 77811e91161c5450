/**
 * The MPJ Express transport: Cohort's transport SPI over MPJ Express's mpiJava 1.2 API (mpi.jar's
 * {@code mpi.*} classes from mpj.jar). Select it with {@code -Dcohort.transport=mpj}, or let
 * {@code Cohort.init(args)} detect MPJ's starter ({@code java -jar $MPJ_HOME/lib/starter.jar -np 4 -dev
 * multicore App}, or {@code bin/cohort run --transport mpj}). Both the multicore device (ranks are
 * threads of one JVM, each with its own class loader) and the niodev cluster device are supported.
 *
 * <p>Everything but {@link dev.cohort.transport.mpj.MpjTransportProvider} and
 * {@link dev.cohort.transport.mpj.MpjMain} is internal.
 */
package dev.cohort.transport.mpj;
