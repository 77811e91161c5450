package dev.cohort.conformance;

import dev.cohort.ElementType;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.IntFunction;

/** A kind of buffer the API accepts: the eight primitive arrays, and direct and heap ByteBuffers. */
record ElementKind(String name, ElementType type, IntFunction<Object> allocator) {
    static final List<ElementKind> ALL = List.of(
            new ElementKind("Byte", ElementType.BYTE, byte[]::new),
            new ElementKind("Short", ElementType.SHORT, short[]::new),
            new ElementKind("Int", ElementType.INT, int[]::new),
            new ElementKind("Long", ElementType.LONG, long[]::new),
            new ElementKind("Float", ElementType.FLOAT, float[]::new),
            new ElementKind("Double", ElementType.DOUBLE, double[]::new),
            new ElementKind("Char", ElementType.CHAR, char[]::new),
            new ElementKind("Boolean", ElementType.BOOLEAN, boolean[]::new),
            new ElementKind("DirectByteBuffer", ElementType.BYTE, ByteBuffer::allocateDirect),
            new ElementKind("HeapByteBuffer", ElementType.BYTE, ByteBuffer::allocate));

    /** A new buffer of {@code n} elements filled with the sentinel. */
    Object allocate(int n) {
        Object b = allocator.apply(n);
        Buffers.clear(b);
        return b;
    }

    boolean isByteBuffer() {
        return name.endsWith("ByteBuffer");
    }
}
