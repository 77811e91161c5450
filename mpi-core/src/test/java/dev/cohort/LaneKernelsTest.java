package dev.cohort;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The word-at-a-time loops of SUM, BAND, BOR and BXOR on bytes and shorts give what the element
 * loops give, bit for bit, at every offset and length (lanes must never carry into each other:
 * sums that wrap in every lane are the interesting case).
 */
class LaneKernelsTest {
    private static final Op[] OPS = {Op.SUM, Op.BAND, Op.BOR, Op.BXOR};

    private static byte expect(Op op, byte x, byte y) {
        if (op == Op.SUM) return (byte) (x + y);
        if (op == Op.BAND) return (byte) (x & y);
        if (op == Op.BOR) return (byte) (x | y);
        return (byte) (x ^ y);
    }

    private static short expect(Op op, short x, short y) {
        if (op == Op.SUM) return (short) (x + y);
        if (op == Op.BAND) return (short) (x & y);
        if (op == Op.BOR) return (short) (x | y);
        return (short) (x ^ y);
    }

    @Test
    void bytesMatchTheElementLoopAtEveryOffsetAndLength() {
        Random r = new Random(42);
        for (Op op : OPS) {
            for (int n : new int[]{0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000}) {
                for (int a = 0; a < 3; a++) {
                    for (int b = 0; b < 3; b++) {
                        byte[] in = new byte[n + a + 8], io = new byte[n + b + 8];
                        r.nextBytes(in);
                        r.nextBytes(io);
                        if (n > 4) {
                            in[a] = io[b] = (byte) 0x80;      // overflow lanes
                            in[a + 1] = io[b + 1] = (byte) 0xff;
                            in[a + 2] = 0x7f;
                            io[b + 2] = 1;
                        }
                        byte[] want = io.clone();
                        for (int i = 0; i < n; i++) want[b + i] = expect(op, in[a + i], io[b + i]);
                        op.apply(in, a, io, b, n, ElementType.BYTE);
                        assertThat(io).as("%s n=%d a=%d b=%d", op, n, a, b).containsExactly(want);
                    }
                }
            }
        }
    }

    @Test
    void shortsMatchTheElementLoopAtEveryOffsetAndLength() {
        Random r = new Random(7);
        for (Op op : OPS) {
            for (int n : new int[]{0, 1, 3, 4, 5, 8, 9, 100, 1001}) {
                for (int a = 0; a < 3; a++) {
                    for (int b = 0; b < 3; b++) {
                        short[] in = new short[n + a + 4], io = new short[n + b + 4];
                        for (int i = 0; i < in.length; i++) in[i] = (short) r.nextInt();
                        for (int i = 0; i < io.length; i++) io[i] = (short) r.nextInt();
                        if (n > 2) {
                            in[a] = io[b] = Short.MIN_VALUE;
                            in[a + 1] = io[b + 1] = -1;
                        }
                        short[] want = io.clone();
                        for (int i = 0; i < n; i++) want[b + i] = expect(op, in[a + i], io[b + i]);
                        op.apply(in, a, io, b, n, ElementType.SHORT);
                        assertThat(io).as("%s n=%d a=%d b=%d", op, n, a, b).containsExactly(want);
                    }
                }
            }
        }
    }
}
