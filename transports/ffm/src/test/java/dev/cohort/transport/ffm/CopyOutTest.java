package dev.cohort.transport.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import dev.cohort.ElementType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Copies out of native memory into arrays, on both sides of the small-copy threshold, at any offset. */
class CopyOutTest {
    @Test
    void bytesLandAtTheirOffsetAndNothingElseChanges() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment from = arena.allocate(256);
            for (int i = 0; i < 256; i++) from.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7 + 1));
            for (int count = 0; count <= 80; count++) {
                for (int offset = 0; offset <= 3; offset++) {
                    byte[] a = new byte[count + 8];
                    Arrays.fill(a, (byte) -1);
                    FfmTransport.copyOut(from, a, ElementType.BYTE, offset, count);
                    for (int i = 0; i < a.length; i++) {
                        byte want = i >= offset && i < offset + count ? (byte) ((i - offset) * 7 + 1) : (byte) -1;
                        assertThat(a[i]).as("count %d offset %d index %d", count, offset, i).isEqualTo(want);
                    }
                }
            }
        }
    }

    @Test
    void doublesKeepTheirBitsIncludingNaNPayloads() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment from = arena.allocate(8 * 16 + 4);
            MemorySegment unaligned = from.asSlice(4);   // the copy takes any alignment
            long[] bits = new long[16];
            for (int i = 0; i < bits.length; i++) {
                bits[i] = i % 3 == 0 ? 0x7ff0_0000_0000_0001L + i : Double.doubleToRawLongBits(i * 1.5 - 3);
                unaligned.set(ValueLayout.JAVA_LONG_UNALIGNED, 8L * i, bits[i]);
            }
            for (int count = 0; count <= 16; count++) {
                double[] a = new double[count + 2];
                Arrays.fill(a, 42.0);
                FfmTransport.copyOut(unaligned, a, ElementType.DOUBLE, 1, count);
                assertThat(a[0]).isEqualTo(42.0);
                assertThat(a[count + 1]).isEqualTo(42.0);
                for (int i = 0; i < count; i++) {
                    assertThat(Double.doubleToRawLongBits(a[1 + i])).as("count %d element %d", count, i).isEqualTo(bits[i]);
                }
            }
        }
    }
}
