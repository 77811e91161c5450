package dev.cohort.transport.openmpi;

import dev.cohort.Comm;
import dev.cohort.spi.Channel;
import dev.cohort.spi.CollectiveEngine;
import dev.cohort.spi.CollectiveEngineProvider;

/** Open MPI's own collectives for the communicators of an {@link OpenMpiTransport}. */
final class MpiCollectivesProvider implements CollectiveEngineProvider {
    private final OpenMpiTransport transport;

    MpiCollectivesProvider(OpenMpiTransport transport) {
        this.transport = transport;
    }

    @Override
    public CollectiveEngine engineFor(Comm comm, Channel channel) {
        return new MpiCollectives(transport, comm, channel);
    }
}
