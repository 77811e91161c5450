package dev.cohort;

import java.nio.ByteBuffer;
import java.util.function.DoubleBinaryOperator;
import java.util.function.IntBinaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * A reduction operation for reduce, allreduce, scan, exscan and reduceScatter.
 *
 * <p>The predefined operations are defined on these types: SUM, PROD on byte, short, int, long, float,
 * double; MIN, MAX on those and char; LAND, LOR, LXOR (non-zero is true) and BAND, BOR, BXOR on byte,
 * short, int, long, char and boolean; MINLOC, MAXLOC on int, long, float and double arrays that hold
 * interleaved (value, index) pairs, where ties keep the lower index (MPI's rule). Using an operation
 * on another type is an OP error.
 *
 * <p>User-defined operations combine {@code in} into {@code inout} element-wise (the function may be
 * called on any sub-range of the buffers, as collective algorithms split vectors into slices):
 * {@code inout[i] = in[i] op inout[i]}, where {@code in} holds the contribution of lower ranks. A
 * non-commutative operation is always applied in rank order: the result is
 * {@code x0 op x1 op ... op x(n-1)}.
 */
public final class Op {
    /** A user-defined reduction over a range of elements of any supported type. */
    @FunctionalInterface
    public interface Function {
        /** Sets {@code inout[ioOff + i] = in[inOff + i] op inout[ioOff + i]} for i in 0..count. */
        void apply(Object in, int inOff, Object inout, int ioOff, int count, ElementType type);
    }

    public static final Op SUM = new Op("SUM", 0);
    public static final Op PROD = new Op("PROD", 1);
    public static final Op MIN = new Op("MIN", 2);
    public static final Op MAX = new Op("MAX", 3);
    public static final Op LAND = new Op("LAND", 4);
    public static final Op LOR = new Op("LOR", 5);
    public static final Op LXOR = new Op("LXOR", 6);
    public static final Op BAND = new Op("BAND", 7);
    public static final Op BOR = new Op("BOR", 8);
    public static final Op BXOR = new Op("BXOR", 9);
    public static final Op MINLOC = new Op("MINLOC", 10);
    public static final Op MAXLOC = new Op("MAXLOC", 11);

    private final String name;
    private final int code;           // predefined: kernel code; user-defined: -1
    private final Function function;
    private final boolean commutative;
    private final ElementType only;   // typed user operations accept one type

    private Op(String name, int code) {
        this.name = name;
        this.code = code;
        this.function = null;
        this.commutative = true;
        this.only = null;
    }

    private Op(String name, Function function, boolean commutative, ElementType only) {
        this.name = name;
        this.code = -1;
        this.function = function;
        this.commutative = commutative;
        this.only = only;
    }

    /** A user-defined operation on any element type the function handles. */
    public static Op create(String name, Function function, boolean commutative) {
        if (function == null) throw new CohortException(ErrorClass.OP, -1, "Op.create: the function is null");
        return new Op(name == null ? "user" : name, function, commutative, null);
    }

    /** A user-defined operation on doubles: {@code inout = f(in, inout)}. */
    public static Op ofDouble(String name, DoubleBinaryOperator f, boolean commutative) {
        return new Op(name, (in, a, io, b, n, t) -> {
            double[] x = (double[]) in, y = (double[]) io;
            for (int i = 0; i < n; i++) y[b + i] = f.applyAsDouble(x[a + i], y[b + i]);
        }, commutative, ElementType.DOUBLE);
    }

    /** A user-defined operation on ints. */
    public static Op ofInt(String name, IntBinaryOperator f, boolean commutative) {
        return new Op(name, (in, a, io, b, n, t) -> {
            int[] x = (int[]) in, y = (int[]) io;
            for (int i = 0; i < n; i++) y[b + i] = f.applyAsInt(x[a + i], y[b + i]);
        }, commutative, ElementType.INT);
    }

    /** A user-defined operation on longs. */
    public static Op ofLong(String name, LongBinaryOperator f, boolean commutative) {
        return new Op(name, (in, a, io, b, n, t) -> {
            long[] x = (long[]) in, y = (long[]) io;
            for (int i = 0; i < n; i++) y[b + i] = f.applyAsLong(x[a + i], y[b + i]);
        }, commutative, ElementType.LONG);
    }

    public String name() {
        return name;
    }

    public boolean isCommutative() {
        return commutative;
    }

    /** True for the twelve predefined operations. */
    public boolean isPredefined() {
        return code >= 0;
    }

    /** True when MINLOC or MAXLOC (counts must be even: value, index pairs). */
    public boolean isLoc() {
        return code == 10 || code == 11;
    }

    /** Whether the operation is defined on the element type. */
    public boolean supports(ElementType t) {
        if (t == null || t == ElementType.OBJECT) return false;
        if (code >= 0) return ReductionKernels.supports(code, t);
        return only == null || only == t;
    }

    /**
     * Combines {@code count} elements: {@code inout[ioOff + i] = in[inOff + i] op inout[ioOff + i]}.
     * Both buffers are arrays of the type (ByteBuffers must be staged into byte[] by the caller).
     */
    public void apply(Object in, int inOff, Object inout, int ioOff, int count, ElementType type) {
        if (count == 0) return;
        if (code >= 0) ReductionKernels.apply(code, type, in, inOff, inout, ioOff, count);
        else function.apply(in, inOff, inout, ioOff, count, type);
    }

    /** Applies the operation where either buffer may be a ByteBuffer (staged through arrays). */
    public void applyAny(Object in, int inOff, Object inout, int ioOff, int count, ElementType type) {
        if (!(in instanceof ByteBuffer) && !(inout instanceof ByteBuffer)) {
            apply(in, inOff, inout, ioOff, count, type);
            return;
        }
        byte[] a = new byte[count], b = new byte[count];
        copyOut(in, inOff, a, count);
        copyOut(inout, ioOff, b, count);
        apply(a, 0, b, 0, count, type);
        if (inout instanceof ByteBuffer) ((ByteBuffer) inout).put(ioOff, b, 0, count);
        else System.arraycopy(b, 0, inout, ioOff, count);
    }

    private static void copyOut(Object src, int off, byte[] dst, int n) {
        if (src instanceof ByteBuffer) ((ByteBuffer) src).get(off, dst, 0, n);
        else System.arraycopy(src, off, dst, 0, n);
    }

    @Override
    public String toString() {
        return name;
    }
}
