package dev.cohort.conformance;

import dev.cohort.ElementType;
import dev.cohort.Op;

import java.lang.reflect.Array;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deterministic per-rank data for the collective cases, and sequential references. Values are small
 * integers (1..5), so sums and products stay exact in float and double whatever the association
 * order, and results can be compared exactly.
 */
final class Values {
    /** The eight primitive element types. */
    static final ElementType[] PRIMITIVES = {ElementType.BYTE, ElementType.SHORT, ElementType.INT, ElementType.LONG,
            ElementType.FLOAT, ElementType.DOUBLE, ElementType.CHAR, ElementType.BOOLEAN};

    /** The predefined element-wise operations (MINLOC / MAXLOC have cases of their own). */
    static final Op[] OPS = {Op.SUM, Op.PROD, Op.MIN, Op.MAX, Op.LAND, Op.LOR, Op.LXOR, Op.BAND, Op.BOR, Op.BXOR};

    private Values() {
    }

    /** Value i of rank r's input number {@code seed}, 1..5. */
    static int value(int r, int i, int seed) {
        return Math.floorMod(r * 7 + i * 3 + seed * 5, 5) + 1;
    }

    /** A new array of {@code n} elements of type t holding rank r's input. */
    static Object input(ElementType t, int n, int r, int seed) {
        Object a = t.newArray(n);
        for (int i = 0; i < n; i++) set(a, t, i, value(r, i, seed));
        return a;
    }

    static void set(Object a, ElementType t, int i, int v) {
        switch (t) {
            case BYTE: ((byte[]) a)[i] = (byte) v; break;
            case SHORT: ((short[]) a)[i] = (short) v; break;
            case INT: ((int[]) a)[i] = v; break;
            case LONG: ((long[]) a)[i] = v; break;
            case FLOAT: ((float[]) a)[i] = v; break;
            case DOUBLE: ((double[]) a)[i] = v; break;
            case CHAR: ((char[]) a)[i] = (char) v; break;
            case BOOLEAN: ((boolean[]) a)[i] = (v & 1) == 1; break;
            default: throw new IllegalArgumentException(t.toString());
        }
    }

    /** The left fold x_lo op ... op x_(hi-1) of the ranks' inputs, in rank order (the reference). */
    static Object fold(ElementType t, int n, int lo, int hi, int seed, Op op) {
        Object acc = input(t, n, lo, seed);
        for (int r = lo + 1; r < hi; r++) {
            Object next = input(t, n, r, seed);
            op.apply(acc, 0, next, 0, n, t); // next = acc op next
            acc = next;
        }
        return acc;
    }

    static void assertSame(Object actual, Object expected, String what) {
        assertThat(Objects.deepEquals(actual, expected)).as("%s: got %s, expected %s", what, show(actual), show(expected)).isTrue();
    }

    static String show(Object a) {
        if (a == null) return "null";
        int n = Array.getLength(a);
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(n, 12); i++) {
            if (i > 0) sb.append(", ");
            sb.append(Array.get(a, i));
        }
        if (n > 12) sb.append(", ... (").append(n).append(')');
        return sb.append(']').toString();
    }
}
