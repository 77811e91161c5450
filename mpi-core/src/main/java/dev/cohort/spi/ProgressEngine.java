package dev.cohort.spi;

import dev.cohort.Request;

/**
 * How a transport lets a waiting thread make progress, notice that the job was aborted, and take part
 * in deadlock detection. One per rank.
 */
public interface ProgressEngine {
    /** Drives outstanding operations forward (a no-op for transports whose peers complete operations). */
    void progress();

    /** Throws the job's abort error if another rank failed or the session ended. */
    void checkAlive();

    /**
     * The calling thread is about to park until one of {@code requests[0..count)} completes (or the
     * park times out). Transports that detect deadlock record what the thread waits for.
     */
    void parking(Request[] requests, int count, boolean all);

    /** The calling thread stopped parking. */
    void unparked();

    /** Longest single park; the waiter re-checks abort and progress after it. */
    long parkNanos();

    /**
     * Registers a request that advances only when polled (a nonblocking collective): progress() polls
     * it until it completes, so it advances while its rank waits on something else.
     */
    void addProgress(Request r);

    /** Removes a request added with addProgress. */
    void removeProgress(Request r);

    /**
     * True when this process runs more ranks than it has cores: waiters then yield instead of
     * spinning (see {@link Spinning}). Transports with one rank per process answer false.
     */
    default boolean oversubscribed() {
        return false;
    }

    /**
     * A future was asked of {@code r}: from now on it must complete without its rank polling (transports
     * whose peers complete receives need do nothing).
     */
    default void futureRequested(Request r) {
    }
}
