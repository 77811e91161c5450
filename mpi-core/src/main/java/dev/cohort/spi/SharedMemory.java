package dev.cohort.spi;

import java.util.function.Supplier;

/**
 * A transport capability: every rank of the job lives in this JVM and can share objects. Collective
 * engines use it to exchange buffer references instead of messages.
 */
public interface SharedMemory {
    /** The object shared by all ranks under {@code key}, made by {@code factory} by whichever rank asks first. */
    <T> T shared(Object key, Supplier<T> factory);
}
