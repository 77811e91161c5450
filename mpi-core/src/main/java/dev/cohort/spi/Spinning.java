package dev.cohort.spi;

/**
 * How a waiting rank idles: how long it polls before it starts yielding its core, and how long it
 * yields before it parks (the idle strategies of Request and of the ffm transport read these).
 * Spinning gives the lowest latency while every rank has a core of its own; when a process runs more
 * ranks than it has cores, a spinning waiter only holds a core that the rank it waits for needs, so
 * waiters yield at once (as Open MPI does when it knows it is oversubscribed).
 */
public final class Spinning {
    /** {@code -Dcohort.idle.spins}: polls before yielding while the ranks have a core each. */
    public static final int SPINS = Integer.getInteger("cohort.idle.spins", 512);
    /** {@code -Dcohort.idle.oversubscribedSpins}: polls before yielding when ranks outnumber cores. */
    public static final int OVERSUBSCRIBED_SPINS = Integer.getInteger("cohort.idle.oversubscribedSpins", 0);
    /** {@code -Dcohort.idle.yieldMicros}: how long a waiter yields, after spinning, before it parks. */
    public static final long YIELD_NANOS = 1000L * Integer.getInteger("cohort.idle.yieldMicros", 2000);

    private Spinning() {
    }

    /** True when {@code ranksInProcess} ranks outnumber the processors this JVM may use. */
    public static boolean oversubscribed(int ranksInProcess) {
        return ranksInProcess > Runtime.getRuntime().availableProcessors();
    }

    /** The polls before yielding for a process that is, or is not, oversubscribed. */
    public static int spins(boolean oversubscribed) {
        return oversubscribed ? OVERSUBSCRIBED_SPINS : SPINS;
    }
}
