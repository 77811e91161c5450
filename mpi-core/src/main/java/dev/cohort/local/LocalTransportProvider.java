package dev.cohort.local;

import dev.cohort.CohortOptions;
import dev.cohort.spi.Transport;
import dev.cohort.spi.TransportProvider;

/**
 * The local transport: always available. Opened by {@code Cohort.init} outside a launcher it gives a
 * job of one rank (the "degenerate case"); jobs of N thread ranks come from {@link LocalJob}.
 */
public final class LocalTransportProvider implements TransportProvider {
    @Override
    public String name() {
        return "local";
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public String unavailabilityCause() {
        return null;
    }

    @Override
    public String version() {
        return "in-JVM threads, Java " + Runtime.version();
    }

    @Override
    public boolean launchedHere() {
        return false;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Transport open(String[] args, CohortOptions options) {
        LocalUniverse u = new LocalUniverse(1, options);
        LocalTransport t = u.ranks[0];
        t.rankThread = Thread.currentThread();
        return t;
    }
}
