package dev.cohort.collectives;

import dev.cohort.ElementType;

import java.nio.ByteBuffer;

/** Copies between arrays and ByteBuffers of one element type. */
final class Buffers {
    private Buffers() {
    }

    static void copy(Object src, int srcOff, Object dst, int dstOff, int count) {
        if (count == 0 || (src == dst && srcOff == dstOff)) return;
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

    /** A fresh array holding {@code count} elements copied from {@code src}. */
    static Object copyOf(Object src, int off, int count, ElementType t) {
        Object a = t.newArray(count);
        copy(src, off, a, 0, count);
        return a;
    }
}
