package dev.cohort.local;

import dev.cohort.ElementType;

/**
 * Buffers for eager copies of small messages, by element type and power-of-two size class. Guarded
 * by the owning mailbox's lock. Buffers are reused, so steady traffic allocates nothing.
 */
final class EagerPool {
    private static final int MIN_SHIFT = 4;      // 16 elements
    private static final int CLASSES = 28;
    private static final int KEEP = 32;          // buffers kept per class

    private final Object[][][] stacks = new Object[ElementType.values().length][CLASSES][];
    private final int[][] depth = new int[ElementType.values().length][CLASSES];

    private static int sizeClass(int count) {
        int c = 32 - Integer.numberOfLeadingZeros(Math.max(count, 1) - 1) - MIN_SHIFT;
        return Math.max(c, 0);
    }

    Object take(ElementType t, int count) {
        int c = sizeClass(count);
        int ti = t.ordinal();
        int d = depth[ti][c];
        if (d > 0) {
            Object[] s = stacks[ti][c];
            Object buf = s[--d];
            s[d] = null;
            depth[ti][c] = d;
            return buf;
        }
        return t.newArray(1 << (c + MIN_SHIFT));
    }

    void give(ElementType t, Object buf) {
        int len = java.lang.reflect.Array.getLength(buf);
        int c = sizeClass(len);
        int ti = t.ordinal();
        Object[] s = stacks[ti][c];
        if (s == null) s = stacks[ti][c] = new Object[KEEP];
        int d = depth[ti][c];
        if (d < KEEP) {
            s[d] = buf;
            depth[ti][c] = d + 1;
        }
    }
}
