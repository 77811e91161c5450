package dev.cohort.local;

import java.nio.ByteBuffer;

/** Copies elements between arrays and ByteBuffers of the same element type, without allocating. */
final class Copier {
    private Copier() {
    }

    static void copy(Object src, int srcOff, Object dst, int dstOff, int count) {
        if (count == 0) return;
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
