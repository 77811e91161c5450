package dev.cohort;

import dev.cohort.spi.Channel;
import dev.cohort.spi.Transport;

/** Point-to-point on a communicator's collective context, for collective engines. */
final class CollChannel implements Channel {
    private final Comm comm;

    CollChannel(Comm comm) {
        this.comm = comm;
    }

    @Override
    public Comm comm() {
        return comm;
    }

    @Override
    public Transport transport() {
        return comm.transport();
    }

    @Override
    public Request isend(Object buf, ElementType type, int offset, int count, int dest, int tag) {
        return comm.transport().isend(comm, buf, type, offset, count, comm.worldRankOf(dest), tag, comm.collContext(), false);
    }

    @Override
    public Request irecv(Object buf, ElementType type, int offset, int count, int source, int tag) {
        int ws = source == Comm.ANY_SOURCE ? Comm.ANY_SOURCE : comm.worldRankOf(source);
        return comm.transport().irecv(comm, buf, type, offset, count, ws, tag, comm.collContext());
    }
}
