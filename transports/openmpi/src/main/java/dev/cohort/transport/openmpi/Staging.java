package dev.cohort.transport.openmpi;

import dev.cohort.ElementType;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * A direct buffer in native byte order with typed views made once, so that copying a heap array in or
 * out allocates nothing. Taken from and given back to a {@link StagingPool}.
 */
final class Staging {
    final ByteBuffer bytes;
    final int sizeClass;
    private final ShortBuffer shorts;
    private final IntBuffer ints;
    private final LongBuffer longs;
    private final FloatBuffer floats;
    private final DoubleBuffer doubles;
    private final CharBuffer chars;

    Staging(int capacity, int sizeClass) {
        this.sizeClass = sizeClass;
        this.bytes = ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
        this.shorts = bytes.asShortBuffer();
        this.ints = bytes.asIntBuffer();
        this.longs = bytes.asLongBuffer();
        this.floats = bytes.asFloatBuffer();
        this.doubles = bytes.asDoubleBuffer();
        this.chars = bytes.asCharBuffer();
    }

    /** A view of all of {@code b} up to its capacity: Cohort's offsets ignore position and limit. */
    static ByteBuffer whole(ByteBuffer b) {
        return b.position() == 0 && b.limit() == b.capacity() ? b : b.duplicate().clear();
    }

    /** The native address of {@link #bytes}, for the native helper; 0 until first asked for. */
    private long address;

    /** The native address of {@link #bytes}, looked up once (only while the native helper is loaded). */
    long address() {
        long a = address;
        if (a == 0) address = a = Pinned.address(bytes);
        return a;
    }

    int capacity() {
        return bytes.capacity();
    }

    /** Copies {@code count} elements of {@code src} from {@code offset} to the start of this buffer. */
    void copyIn(Object src, ElementType t, int offset, int count) {
        switch (t) {
            case BYTE:
            case OBJECT:
                if (src instanceof ByteBuffer) bytes.put(0, whole((ByteBuffer) src), offset, count);
                else bytes.put(0, (byte[]) src, offset, count);
                break;
            case DOUBLE: doubles.put(0, (double[]) src, offset, count); break;
            case INT: ints.put(0, (int[]) src, offset, count); break;
            case LONG: longs.put(0, (long[]) src, offset, count); break;
            case FLOAT: floats.put(0, (float[]) src, offset, count); break;
            case SHORT: shorts.put(0, (short[]) src, offset, count); break;
            case CHAR: chars.put(0, (char[]) src, offset, count); break;
            case BOOLEAN: {
                boolean[] b = (boolean[]) src;
                for (int i = 0; i < count; i++) bytes.put(i, b[offset + i] ? (byte) 1 : (byte) 0);
                break;
            }
            default: throw new AssertionError(t);
        }
    }

    /** Up to this many bytes of a byte[] (or doubles of a double[]) are copied by plain loads and stores. */
    private static final int SMALL_COPY_BYTES = 64;
    private static final VarHandle LONGS_IN_BYTES = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** Copies {@code count} elements from the start of this buffer (from element {@code from}) into {@code dst} at {@code offset}. */
    void copyOut(int from, Object dst, ElementType t, int offset, int count) {
        // a short message's few bytes: ByteBuffer's bulk get checks and dispatches more than it copies
        if (count <= SMALL_COPY_BYTES && dst instanceof byte[]) {
            byte[] a = (byte[]) dst;
            int i = 0;
            for (; i + 8 <= count; i += 8) LONGS_IN_BYTES.set(a, offset + i, bytes.getLong(from + i));
            for (; i < count; i++) a[offset + i] = bytes.get(from + i);
            return;
        }
        if (count <= SMALL_COPY_BYTES / 8 && dst instanceof double[]) {
            double[] a = (double[]) dst;
            for (int i = 0; i < count; i++) a[offset + i] = doubles.get(from + i);
            return;
        }
        switch (t) {
            case BYTE:
            case OBJECT:
                if (dst instanceof ByteBuffer) whole((ByteBuffer) dst).put(offset, bytes, from, count);
                else bytes.get(from, (byte[]) dst, offset, count);
                break;
            case DOUBLE: doubles.get(from, (double[]) dst, offset, count); break;
            case INT: ints.get(from, (int[]) dst, offset, count); break;
            case LONG: longs.get(from, (long[]) dst, offset, count); break;
            case FLOAT: floats.get(from, (float[]) dst, offset, count); break;
            case SHORT: shorts.get(from, (short[]) dst, offset, count); break;
            case CHAR: chars.get(from, (char[]) dst, offset, count); break;
            case BOOLEAN: {
                boolean[] b = (boolean[]) dst;
                for (int i = 0; i < count; i++) b[offset + i] = bytes.get(from + i) != 0;
                break;
            }
            default: throw new AssertionError(t);
        }
    }

    /** Copies elements {@code [from, from+count)} of a heap array into this buffer at element {@code at}. */
    void copyIn(int at, Object src, ElementType t, int offset, int count) {
        if (count <= SMALL_COPY_BYTES && src instanceof byte[]) {
            byte[] a = (byte[]) src;
            int i = 0;
            for (; i + 8 <= count; i += 8) bytes.putLong(at + i, (long) LONGS_IN_BYTES.get(a, offset + i));
            for (; i < count; i++) bytes.put(at + i, a[offset + i]);
            return;
        }
        if (count <= SMALL_COPY_BYTES / 8 && src instanceof double[]) {
            double[] a = (double[]) src;
            for (int i = 0; i < count; i++) doubles.put(at + i, a[offset + i]);
            return;
        }
        switch (t) {
            case BYTE:
            case OBJECT:
                if (src instanceof ByteBuffer) bytes.put(at, whole((ByteBuffer) src), offset, count);
                else bytes.put(at, (byte[]) src, offset, count);
                break;
            case DOUBLE: doubles.put(at, (double[]) src, offset, count); break;
            case INT: ints.put(at, (int[]) src, offset, count); break;
            case LONG: longs.put(at, (long[]) src, offset, count); break;
            case FLOAT: floats.put(at, (float[]) src, offset, count); break;
            case SHORT: shorts.put(at, (short[]) src, offset, count); break;
            case CHAR: chars.put(at, (char[]) src, offset, count); break;
            case BOOLEAN: {
                boolean[] b = (boolean[]) src;
                for (int i = 0; i < count; i++) bytes.put(at + i, b[offset + i] ? (byte) 1 : (byte) 0);
                break;
            }
            default: throw new AssertionError(t);
        }
    }
}
