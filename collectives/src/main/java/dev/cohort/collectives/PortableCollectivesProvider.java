package dev.cohort.collectives;

import dev.cohort.Comm;
import dev.cohort.spi.Channel;
import dev.cohort.spi.CollectiveEngine;
import dev.cohort.spi.CollectiveEngineProvider;
import dev.cohort.spi.SharedMemory;

/**
 * Provides the collective engine of a communicator: {@link SharedCollectives} when all its ranks share
 * this JVM (the transport offers {@link SharedMemory}), else {@link PortableCollectives}, the algorithms
 * over point-to-point. {@code -Dcohort.coll.portableOnly=true} forces the portable algorithms.
 */
public final class PortableCollectivesProvider implements CollectiveEngineProvider {
    @Override
    public CollectiveEngine engineFor(Comm comm, Channel channel) {
        SharedMemory shared = channel.transport().capability(SharedMemory.class);
        if (shared != null && comm.size() > 1 && !Boolean.getBoolean("cohort.coll.portableOnly")) {
            return new SharedCollectives(channel, shared);
        }
        return new PortableCollectives(channel);
    }
}
