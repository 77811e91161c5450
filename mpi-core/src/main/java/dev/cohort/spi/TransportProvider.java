package dev.cohort.spi;

import dev.cohort.CohortOptions;

/**
 * Finds and opens a transport. Providers are found with {@link java.util.ServiceLoader}. Availability
 * is a question, not a crash: a provider whose library is missing answers {@code isAvailable() == false}
 * and says why in {@link #unavailabilityCause()}.
 */
public interface TransportProvider {
    /** The transport's name, as given to {@code -Dcohort.transport}: local, openmpi, mpj, ffm. */
    String name();

    /** True when the transport can be opened in this process. */
    boolean isAvailable();

    /** Why the transport is unavailable and how to fix it; null when available. */
    String unavailabilityCause();

    /** The underlying library's version, or a short description; null when unknown. */
    String version();

    /**
     * True when the environment shows that this process was started by this transport's launcher
     * (for example Open MPI's OMPI_COMM_WORLD_SIZE). Used by automatic selection.
     */
    boolean launchedHere();

    /** Preference among providers that are launchedHere(); higher wins. */
    int priority();

    /** Opens this process's rank. */
    Transport open(String[] args, CohortOptions options);
}
