package dev.cohort.spi;

import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.Request;

/**
 * Point-to-point on a communicator's collective context, for collective algorithms: messages here
 * never match the application's messages on the same communicator. Ranks are ranks of the
 * communicator. Arguments are not checked (the collective checked them).
 */
public interface Channel {
    Comm comm();

    Transport transport();

    Request isend(Object buf, ElementType type, int offset, int count, int dest, int tag);

    Request irecv(Object buf, ElementType type, int offset, int count, int source, int tag);
}
