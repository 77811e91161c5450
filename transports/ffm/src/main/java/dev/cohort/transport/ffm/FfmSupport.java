package dev.cohort.transport.ffm;

import dev.cohort.spi.Transport;

/**
 * The JDK 22+ side of {@link FfmTransportProvider}, which is compiled for Java 17 so that service
 * loading on an older JVM finds a provider that says "unavailable" instead of failing to load.
 * Called reflectively.
 */
public final class FfmSupport {
    private FfmSupport() {
    }

    /** The MPI library ffm would use, with its version, or throws IllegalStateException saying why there is none. */
    public static String describe() {
        return MpiLibrary.get().describe();
    }

    /** Initializes MPI and returns this process's rank. */
    public static Transport open() {
        return new FfmTransport();
    }
}
