package dev.cohort.collectives;

import dev.cohort.ElementType;

import dev.cohort.spi.Copier;

/** Copies between arrays and ByteBuffers of one element type. */
final class Buffers {
    private Buffers() {
    }

    static void copy(Object src, int srcOff, Object dst, int dstOff, int count) {
        if (count == 0 || (src == dst && srcOff == dstOff)) return;
        Copier.copy(src, srcOff, dst, dstOff, count);
    }

    /** A fresh array holding {@code count} elements copied from {@code src}. */
    static Object copyOf(Object src, int off, int count, ElementType t) {
        Object a = t.newArray(count);
        copy(src, off, a, 0, count);
        return a;
    }
}
