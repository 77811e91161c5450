package dev.cohort.conformance;

import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.Request;
import dev.cohort.Status;

import java.nio.ByteBuffer;

/**
 * Buffer operations on a buffer of any element type, chosen by its runtime type, so that one case
 * body covers every overload; and the value pattern the cases fill buffers with.
 */
final class Buffers {
    /** What unwritten elements hold, to show that a receive wrote nothing outside its range. */
    static final long SENTINEL = -77;

    private Buffers() {
    }

    /** The value of element {@code i} of a message from {@code rank}: distinct per rank and index. */
    static long value(int rank, int i) {
        return rank * 1009L + i * 7L + 1;
    }

    static void set(Object buf, int i, long v) {
        if (buf instanceof ByteBuffer) whole((ByteBuffer) buf).put(i, (byte) v);
        else if (buf instanceof byte[]) ((byte[]) buf)[i] = (byte) v;
        else if (buf instanceof short[]) ((short[]) buf)[i] = (short) v;
        else if (buf instanceof int[]) ((int[]) buf)[i] = (int) v;
        else if (buf instanceof long[]) ((long[]) buf)[i] = v;
        else if (buf instanceof float[]) ((float[]) buf)[i] = v + 0.25f;
        else if (buf instanceof double[]) ((double[]) buf)[i] = v + 0.125;
        else if (buf instanceof char[]) ((char[]) buf)[i] = (char) v;
        else if (buf instanceof boolean[]) ((boolean[]) buf)[i] = (v & 1) != 0;
        else throw new IllegalArgumentException("not a buffer: " + buf);
    }

    /** A view of all of {@code b} (position 0, limit capacity), leaving b's own position and limit alone. */
    private static ByteBuffer whole(ByteBuffer b) {
        if (b.position() == 0 && b.limit() == b.capacity()) return b;
        ByteBuffer d = b.duplicate();
        d.clear();
        return d;
    }

    /** Fills {@code [from, from + count)} with the values of {@code rank}, element k getting value(rank, k). */
    static void fill(Object buf, int from, int count, int rank) {
        Object b = buf instanceof ByteBuffer ? whole((ByteBuffer) buf) : buf;   // one view, not one per element
        for (int k = 0; k < count; k++) set(b, from + k, value(rank, k));
    }

    /** Fills the whole buffer with {@link #SENTINEL}. */
    static void clear(Object buf) {
        int n = ElementType.capacity(buf);
        Object b = buf instanceof ByteBuffer ? whole((ByteBuffer) buf) : buf;
        for (int i = 0; i < n; i++) set(b, i, SENTINEL);
    }

    /** A copy of the buffer's elements as an array (a ByteBuffer's whole capacity as a byte[]), for comparing. */
    static Object snapshot(Object buf) {
        if (buf instanceof ByteBuffer) {
            byte[] out = new byte[((ByteBuffer) buf).capacity()];
            whole((ByteBuffer) buf).get(out);
            return out;
        }
        int n = ElementType.capacity(buf);
        Object out = ElementType.of(buf).newArray(n);
        System.arraycopy(buf, 0, out, 0, n);
        return out;
    }

    /**
     * What a buffer of {@code capacity} elements should hold after receiving {@code count} elements
     * of rank {@code from}'s pattern at {@code offset} into a cleared buffer, as a snapshot.
     */
    static Object expected(ElementType type, int capacity, int offset, int count, int from) {
        Object out = type.newArray(capacity);
        clear(out);
        fill(out, offset, count, from);
        return out;
    }

    static void send(Comm c, Object b, int off, int n, int dest, int tag) {
        if (b instanceof ByteBuffer) c.send((ByteBuffer) b, off, n, dest, tag);
        else if (b instanceof byte[]) c.send((byte[]) b, off, n, dest, tag);
        else if (b instanceof short[]) c.send((short[]) b, off, n, dest, tag);
        else if (b instanceof int[]) c.send((int[]) b, off, n, dest, tag);
        else if (b instanceof long[]) c.send((long[]) b, off, n, dest, tag);
        else if (b instanceof float[]) c.send((float[]) b, off, n, dest, tag);
        else if (b instanceof double[]) c.send((double[]) b, off, n, dest, tag);
        else if (b instanceof char[]) c.send((char[]) b, off, n, dest, tag);
        else if (b instanceof boolean[]) c.send((boolean[]) b, off, n, dest, tag);
        else throw new IllegalArgumentException("not a buffer: " + b);
    }

    static Status recv(Comm c, Object b, int off, int n, int source, int tag) {
        if (b instanceof ByteBuffer) return c.recv((ByteBuffer) b, off, n, source, tag);
        if (b instanceof byte[]) return c.recv((byte[]) b, off, n, source, tag);
        if (b instanceof short[]) return c.recv((short[]) b, off, n, source, tag);
        if (b instanceof int[]) return c.recv((int[]) b, off, n, source, tag);
        if (b instanceof long[]) return c.recv((long[]) b, off, n, source, tag);
        if (b instanceof float[]) return c.recv((float[]) b, off, n, source, tag);
        if (b instanceof double[]) return c.recv((double[]) b, off, n, source, tag);
        if (b instanceof char[]) return c.recv((char[]) b, off, n, source, tag);
        if (b instanceof boolean[]) return c.recv((boolean[]) b, off, n, source, tag);
        throw new IllegalArgumentException("not a buffer: " + b);
    }

    static Request isend(Comm c, Object b, int off, int n, int dest, int tag) {
        if (b instanceof ByteBuffer) return c.isend((ByteBuffer) b, off, n, dest, tag);
        if (b instanceof byte[]) return c.isend((byte[]) b, off, n, dest, tag);
        if (b instanceof short[]) return c.isend((short[]) b, off, n, dest, tag);
        if (b instanceof int[]) return c.isend((int[]) b, off, n, dest, tag);
        if (b instanceof long[]) return c.isend((long[]) b, off, n, dest, tag);
        if (b instanceof float[]) return c.isend((float[]) b, off, n, dest, tag);
        if (b instanceof double[]) return c.isend((double[]) b, off, n, dest, tag);
        if (b instanceof char[]) return c.isend((char[]) b, off, n, dest, tag);
        if (b instanceof boolean[]) return c.isend((boolean[]) b, off, n, dest, tag);
        throw new IllegalArgumentException("not a buffer: " + b);
    }

    static Request irecv(Comm c, Object b, int off, int n, int source, int tag) {
        if (b instanceof ByteBuffer) return c.irecv((ByteBuffer) b, off, n, source, tag);
        if (b instanceof byte[]) return c.irecv((byte[]) b, off, n, source, tag);
        if (b instanceof short[]) return c.irecv((short[]) b, off, n, source, tag);
        if (b instanceof int[]) return c.irecv((int[]) b, off, n, source, tag);
        if (b instanceof long[]) return c.irecv((long[]) b, off, n, source, tag);
        if (b instanceof float[]) return c.irecv((float[]) b, off, n, source, tag);
        if (b instanceof double[]) return c.irecv((double[]) b, off, n, source, tag);
        if (b instanceof char[]) return c.irecv((char[]) b, off, n, source, tag);
        if (b instanceof boolean[]) return c.irecv((boolean[]) b, off, n, source, tag);
        throw new IllegalArgumentException("not a buffer: " + b);
    }
}
