package dev.cohort.transport.openmpi;

/**
 * Direct buffers by power-of-two size class, reused across calls: the steady state of a program that
 * sends the same sizes allocates nothing. Thread-safe. Buffers above {@link #MAX_POOLED_CLASS} are
 * still pooled but only {@link #KEEP_LARGE} of each class are kept.
 */
final class StagingPool {
    private static final int MIN_CLASS = 6;            // 64 bytes
    private static final int MAX_POOLED_CLASS = 22;    // 4 MiB: up to KEEP of each class
    private static final int KEEP = 16;
    private static final int KEEP_LARGE = 2;
    private static final int CLASSES = 32;

    private final Staging[][] free = new Staging[CLASSES][];
    private final int[] nfree = new int[CLASSES];

    StagingPool() {
        for (int c = 0; c < CLASSES; c++) free[c] = new Staging[c <= MAX_POOLED_CLASS ? KEEP : KEEP_LARGE];
    }

    private static int sizeClass(long bytes) {
        if (bytes <= (1L << MIN_CLASS)) return MIN_CLASS;
        int c = 64 - Long.numberOfLeadingZeros(bytes - 1);
        if (c >= CLASSES) throw new IllegalArgumentException("message of " + bytes + " bytes is too large to stage");
        return c;
    }

    /** A buffer of at least {@code bytes} bytes. */
    Staging take(long bytes) {
        int c = sizeClass(bytes);
        synchronized (this) {
            int n = nfree[c];
            if (n > 0) {
                Staging s = free[c][--n];
                free[c][n] = null;
                nfree[c] = n;
                return s;
            }
        }
        long cap = 1L << c;
        if (cap > Integer.MAX_VALUE) cap = Integer.MAX_VALUE;
        return new Staging((int) cap, c);
    }

    /** Returns a buffer taken from this pool (null is ignored). */
    void give(Staging s) {
        if (s == null) return;
        int c = s.sizeClass;
        synchronized (this) {
            int n = nfree[c];
            if (n < free[c].length) {
                free[c][n] = s;
                nfree[c] = n + 1;
            }
        }
    }
}
