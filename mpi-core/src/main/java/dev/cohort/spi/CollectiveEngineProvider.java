package dev.cohort.spi;

import dev.cohort.Comm;

/**
 * Makes collective engines; found with {@link java.util.ServiceLoader}. The cohort collectives
 * module provides the portable algorithms; a transport may offer its own engine (its MPI library's
 * collectives) through {@link Transport#capability(Class)} with {@code CollectiveEngineProvider.class}.
 */
public interface CollectiveEngineProvider {
    /** An engine for this communicator (called once per communicator, on first use). */
    CollectiveEngine engineFor(Comm comm, Channel channel);
}
