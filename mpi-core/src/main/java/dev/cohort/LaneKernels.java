package dev.cohort;

import dev.cohort.spi.Words;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * SUM, BAND, BOR and BXOR of bytes and shorts, eight bytes at a time: {@code inout[i] = in[i] op
 * inout[i]} on the lanes of a long, so that no lane carries into the next. On this project's
 * machines (AMD EPYC guests, JDK 17 and 25) C2's vectorized form of the element loop runs at 3-5 ns a
 * byte, 100 to 300 times slower than the same loop over ints, which made a byte allreduce of 8 KiB
 * at 8 ranks take a millisecond; the lane loop runs at 0.11 ns a byte through Unsafe (JDK 17-23, see
 * {@link Words}) and 0.28 through a byte-array view (later JDKs; shorts there keep the element loop).
 * The results are those of the element loops, bit for bit (two's-complement wrap-around included).
 */
final class LaneKernels {
    private LaneKernels() {
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /** The top bit of every 8-bit / 16-bit lane. */
    private static final long H8 = 0x8080808080808080L, H16 = 0x8000800080008000L;
    static final int SUM = 0, AND = 1, OR = 2, XOR = 3;

    /**
     * The operation on every lane of {@code x} and {@code y}; a sum adds the low bits of each lane and
     * then puts back its top bit, so nothing carries into the next lane. Also right for a single
     * element held in the low lane (the tail loops), since carries only go up.
     */
    private static long lanes(int op, long x, long y, long high) {
        switch (op) {
            case SUM: return ((x & ~high) + (y & ~high)) ^ ((x ^ y) & high);
            case AND: return x & y;
            case OR: return x | y;
            default: return x ^ y;
        }
    }

    static void bytes(int op, byte[] in, int a, byte[] io, int b, int n) {
        int i = 0;
        if (Words.AVAILABLE) {
            for (; i + 8 <= n; i += 8) {
                Words.putBytesWord(io, b + i, lanes(op, Words.bytesWord(in, a + i), Words.bytesWord(io, b + i), H8));
            }
        } else {
            for (; i + 8 <= n; i += 8) {
                LONGS.set(io, b + i, lanes(op, (long) LONGS.get(in, a + i), (long) LONGS.get(io, b + i), H8));
            }
        }
        for (; i < n; i++) io[b + i] = (byte) lanes(op, in[a + i], io[b + i], H8);
    }

    static void shorts(int op, short[] in, int a, short[] io, int b, int n) {
        int i = 0;
        if (Words.AVAILABLE) {
            for (; i + 4 <= n; i += 4) {
                Words.putShortsWord(io, b + i, lanes(op, Words.shortsWord(in, a + i), Words.shortsWord(io, b + i), H16));
            }
        }
        for (; i < n; i++) io[b + i] = (short) lanes(op, in[a + i], io[b + i], H16);
    }
}
