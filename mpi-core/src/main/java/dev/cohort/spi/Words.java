package dev.cohort.spi;

import dev.cohort.ElementType;

import java.nio.ByteBuffer;

/**
 * For transports and collective engines that hand small messages between threads: copies a few
 * elements of any primitive array into the words of a {@code long[]} and back, so that a message's
 * data can share a cache line with the flag that publishes it (one line moves between cores instead
 * of two). Uses sun.misc.Unsafe, on JDK 17 to 23 only (later JDKs print a warning when it is used);
 * where it is not used {@link #AVAILABLE} is false and callers keep the data in an array of its own
 * type.
 */
public final class Words {
    private Words() {
    }

    private static final ElementType[] TYPES = ElementType.values();
    private static final sun.misc.Unsafe UNSAFE;
    private static final long LONG_BASE;
    private static final long[] BASE = new long[TYPES.length];
    private static final long BYTE_BASE, SHORT_BASE;
    /** True when the copies below work on this JVM. */
    public static final boolean AVAILABLE;

    static {
        sun.misc.Unsafe u = null;
        long longBase = 0;
        // JDK 24 and later warn on stderr at the first use of Unsafe's memory access (JEP 498): there,
        // and when -Dcohort.words=false, callers keep data in arrays of their own type instead.
        boolean wanted = Boolean.parseBoolean(System.getProperty("cohort.words", "true"))
                && Runtime.version().feature() < 24;
        if (wanted) try {
            java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = (sun.misc.Unsafe) f.get(null);
            longBase = u.arrayBaseOffset(long[].class);
            for (ElementType t : TYPES) {
                if (t == ElementType.OBJECT) continue;
                Class<?> c = t.newArray(0).getClass();
                if (u.arrayIndexScale(c) != t.size()) throw new IllegalStateException("unexpected array layout");
                BASE[t.ordinal()] = u.arrayBaseOffset(c);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            u = null;
        }
        UNSAFE = u;
        LONG_BASE = longBase;
        BYTE_BASE = BASE[ElementType.BYTE.ordinal()];
        SHORT_BASE = BASE[ElementType.SHORT.ordinal()];
        AVAILABLE = u != null;
    }

    /**
     * The 8 bytes of {@code a} from byte index {@code i} (native order), for loops that work on a
     * word's lanes at once; only when {@link #AVAILABLE}, and the caller keeps {@code i + 8} within
     * the array (nothing is checked).
     */
    public static long bytesWord(byte[] a, int i) {
        return UNSAFE.getLong(a, BYTE_BASE + i);
    }

    /** Stores 8 bytes into {@code a} from byte index {@code i}; see {@link #bytesWord}. */
    public static void putBytesWord(byte[] a, int i, long w) {
        UNSAFE.putLong(a, BYTE_BASE + i, w);
    }

    /** The 4 shorts of {@code a} from index {@code i}; see {@link #bytesWord}. */
    public static long shortsWord(short[] a, int i) {
        return UNSAFE.getLong(a, SHORT_BASE + 2L * i);
    }

    /** Stores 4 shorts into {@code a} from index {@code i}; see {@link #bytesWord}. */
    public static void putShortsWord(short[] a, int i, long w) {
        UNSAFE.putLong(a, SHORT_BASE + 2L * i, w);
    }

    /** True when {@code count} elements of {@code src} can be copied in: a heap array, and the copies are available. */
    public static boolean fits(Object src, ElementType t, int count, int maxBytes) {
        return AVAILABLE && t != ElementType.OBJECT && (long) count * t.size() <= maxBytes && !(src instanceof ByteBuffer);
    }

    /** Copies {@code count} elements of the heap array {@code src} from {@code srcOff} into {@code dst} from word {@code at}. */
    public static void copyIn(Object src, int srcOff, ElementType t, int count, long[] dst, int at) {
        copy(src, BASE[t.ordinal()] + (long) srcOff * t.size(), dst, LONG_BASE + 8L * at, count * t.size());
    }

    /** Copies {@code count} elements from {@code src}'s word {@code at} into {@code dst} (an array or ByteBuffer of type t). */
    public static void copyOut(long[] src, int at, Object dst, int dstOff, ElementType t, int count) {
        long from = LONG_BASE + 8L * at;
        if (dst instanceof ByteBuffer) {
            ByteBuffer d = Copier.whole((ByteBuffer) dst, dstOff, count);
            for (int k = 0; k < count; k++) d.put(dstOff + k, UNSAFE.getByte(src, from + k));
        } else {
            copy(src, from, dst, BASE[t.ordinal()] + (long) dstOff * t.size(), count * t.size());
        }
    }

    /**
     * One word for up to 8 bytes (the common case: a scalar), else copyMemory, which C2 turns into
     * its array-copy stub. No loop whose trip count depends on the size, so a new size does not
     * invalidate compiled code.
     */
    private static void copy(Object src, long srcOff, Object dst, long dstOff, int bytes) {
        sun.misc.Unsafe u = UNSAFE;
        if (bytes == 8) u.putLong(dst, dstOff, u.getLong(src, srcOff));
        else u.copyMemory(src, srcOff, dst, dstOff, bytes);
    }
}
