package dev.cohort.spi;

import java.nio.ByteBuffer;

/**
 * Copies elements between arrays and ByteBuffers of the same element type (for transports and
 * collective engines). Explicit ByteBuffer ranges are absolute indices below the capacity.
 */
public final class Copier {
    private Copier() {
    }

    /** The buffer itself when [off, off + count) lies below its limit, else a view whose limit is its capacity. */
    public static ByteBuffer whole(ByteBuffer b, int off, int count) {
        if (off + count <= b.limit()) return b;
        ByteBuffer d = b.duplicate();
        d.limit(d.capacity());
        return d;
    }

    public static void copy(Object src, int srcOff, Object dst, int dstOff, int count) {
        if (count == 0) return;
        if (src instanceof ByteBuffer) src = whole((ByteBuffer) src, srcOff, count);
        if (dst instanceof ByteBuffer) dst = whole((ByteBuffer) dst, dstOff, count);
        if (src instanceof ByteBuffer) {
            ByteBuffer s = (ByteBuffer) src;
            if (dst instanceof ByteBuffer) ((ByteBuffer) dst).put(dstOff, s, srcOff, count);
            else s.get(srcOff, (byte[]) dst, dstOff, count);
        } else if (dst instanceof ByteBuffer) {
            ((ByteBuffer) dst).put(dstOff, (byte[]) src, srcOff, count);
        } else {
            System.arraycopy(src, srcOff, dst, dstOff, count);
        }
    }
}
