package dev.cohort.transport.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * Native blocks for nonblocking sends, by power-of-two size class, reused so that a steady stream of
 * isends allocates nothing. Up to 8 blocks per class of at most 64 MiB are kept; the others are left
 * to the GC (automatic arenas), so a burst of big sends does not pin memory. Used under the
 * transport's lock.
 */
final class StagingPool {
    private static final int MIN_SHIFT = 7, MAX_POOLED_SHIFT = 26, KEEP = 8;
    @SuppressWarnings("unchecked")
    private final ArrayDeque<MemorySegment>[] free = new ArrayDeque[MAX_POOLED_SHIFT + 1];

    MemorySegment take(long bytes) {
        int shift = Math.max(MIN_SHIFT, 64 - Long.numberOfLeadingZeros(bytes - 1));
        if (shift <= MAX_POOLED_SHIFT) {
            ArrayDeque<MemorySegment> q = free[shift];
            if (q != null && !q.isEmpty()) return q.poll();
            return Arena.ofAuto().allocate(1L << shift, 64);
        }
        return Arena.ofAuto().allocate(bytes, 64);
    }

    void give(MemorySegment block) {
        long size = block.byteSize();
        if (Long.bitCount(size) != 1) return;
        int shift = 63 - Long.numberOfLeadingZeros(size);
        if (shift > MAX_POOLED_SHIFT) return;
        ArrayDeque<MemorySegment> q = free[shift];
        if (q == null) q = free[shift] = new ArrayDeque<>();
        if (q.size() < KEEP) q.add(block);
    }
}
