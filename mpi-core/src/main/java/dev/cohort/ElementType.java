package dev.cohort;

import java.nio.ByteBuffer;

/**
 * The element type of a message. Buffer messages carry one of the eight primitive types (a direct
 * or heap {@link ByteBuffer} counts as BYTE); object messages carry their encoded bytes as OBJECT.
 */
public enum ElementType {
    BYTE(1), SHORT(2), INT(4), LONG(8), FLOAT(4), DOUBLE(8), CHAR(2), BOOLEAN(1), OBJECT(1);

    private final int size;

    ElementType(int size) {
        this.size = size;
    }

    /** Size of one element in bytes (OBJECT: 1, its count is in bytes of encoding). */
    public int size() {
        return size;
    }

    /** The element type of a Java array or ByteBuffer, or null when it is neither. */
    public static ElementType of(Object buf) {
        if (buf instanceof double[]) return DOUBLE;
        if (buf instanceof byte[]) return BYTE;
        if (buf instanceof int[]) return INT;
        if (buf instanceof long[]) return LONG;
        if (buf instanceof float[]) return FLOAT;
        if (buf instanceof short[]) return SHORT;
        if (buf instanceof char[]) return CHAR;
        if (buf instanceof boolean[]) return BOOLEAN;
        if (buf instanceof ByteBuffer) return BYTE;
        return null;
    }

    /** Number of elements a buffer holds: the array length, or a ByteBuffer's capacity. */
    public static int capacity(Object buf) {
        if (buf instanceof ByteBuffer) return ((ByteBuffer) buf).capacity();
        return java.lang.reflect.Array.getLength(buf);
    }

    /** A new array of this type; OBJECT gives a byte[]. */
    public Object newArray(int n) {
        switch (this) {
            case BYTE: case OBJECT: return new byte[n];
            case SHORT: return new short[n];
            case INT: return new int[n];
            case LONG: return new long[n];
            case FLOAT: return new float[n];
            case DOUBLE: return new double[n];
            case CHAR: return new char[n];
            case BOOLEAN: return new boolean[n];
            default: throw new AssertionError(this);
        }
    }
}
