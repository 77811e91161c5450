package dev.cohort.collectives;

import dev.cohort.Comm;
import dev.cohort.spi.Channel;
import dev.cohort.spi.CollectiveEngine;
import dev.cohort.spi.CollectiveEngineProvider;

/** Provides {@link PortableCollectives}, the algorithms over point-to-point, for any transport. */
public final class PortableCollectivesProvider implements CollectiveEngineProvider {
    @Override
    public CollectiveEngine engineFor(Comm comm, Channel channel) {
        return new PortableCollectives(channel);
    }
}
