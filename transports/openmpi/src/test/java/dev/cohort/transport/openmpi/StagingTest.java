package dev.cohort.transport.openmpi;

import dev.cohort.ElementType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/** Staging copies without MPI: every element type in and out at offsets, ByteBuffers past their limit, pooling. */
class StagingTest {
    @Test
    void everyTypeRoundTripsAtOffsets() {
        StagingPool pool = new StagingPool();
        for (ElementType t : ElementType.values()) {
            if (t == ElementType.OBJECT) continue;
            Object src = t.newArray(20);
            fill(src);
            Staging s = pool.take(20L * t.size());
            s.copyIn(src, t, 3, 10);
            Object dst = t.newArray(20);
            s.copyOut(0, dst, t, 5, 10);
            for (int i = 0; i < 10; i++) {
                assertThat(java.lang.reflect.Array.get(dst, 5 + i)).as("%s element %d", t, i)
                        .isEqualTo(java.lang.reflect.Array.get(src, 3 + i));
            }
            pool.give(s);
        }
    }

    /** Both sides of the small-copy threshold, at every offset into the buffer and the array: only the copied bytes change. */
    @Test
    void bytesCopyExactlyAroundTheSmallCopyThreshold() {
        Staging s = new StagingPool().take(256);
        for (int count = 0; count <= 80; count++) {
            for (int at = 0; at <= 17; at += 17) {   // PREFIX + 1: also an unaligned start in the buffer
                for (int offset = 0; offset <= 3; offset++) {
                    byte[] src = new byte[count + 8];
                    for (int i = 0; i < src.length; i++) src[i] = (byte) (i * 7 + 1);
                    for (int i = 0; i < 256; i++) s.bytes.put(i, (byte) 0x55);
                    s.copyIn(at, src, ElementType.BYTE, offset, count);
                    for (int i = 0; i < 256; i++) {
                        byte want = i >= at && i < at + count ? src[offset + i - at] : (byte) 0x55;
                        assertThat(s.bytes.get(i)).as("in: count %d at %d offset %d index %d", count, at, offset, i).isEqualTo(want);
                    }
                    byte[] dst = new byte[count + 8];
                    java.util.Arrays.fill(dst, (byte) -1);
                    s.copyOut(at, dst, ElementType.BYTE, offset, count);
                    for (int i = 0; i < dst.length; i++) {
                        byte want = i >= offset && i < offset + count ? src[i] : (byte) -1;
                        assertThat(dst[i]).as("out: count %d at %d offset %d index %d", count, at, offset, i).isEqualTo(want);
                    }
                }
            }
        }
    }

    /** Doubles keep their exact bits, NaN payloads included, on both sides of the threshold. */
    @Test
    void doublesKeepTheirBitsAroundTheSmallCopyThreshold() {
        Staging s = new StagingPool().take(512);
        for (int count = 0; count <= 12; count++) {
            double[] src = new double[count + 2];
            for (int i = 0; i < src.length; i++) {
                src[i] = i % 3 == 0 ? Double.longBitsToDouble(0x7ff0_0000_0000_0001L + i) : i * 1.5 - 3;
            }
            s.copyIn(2, src, ElementType.DOUBLE, 1, count);
            double[] dst = new double[count + 2];
            java.util.Arrays.fill(dst, 42.0);
            s.copyOut(2, dst, ElementType.DOUBLE, 1, count);
            assertThat(dst[0]).isEqualTo(42.0);
            assertThat(dst[count + 1]).isEqualTo(42.0);
            for (int i = 1; i <= count; i++) {
                assertThat(Double.doubleToRawLongBits(dst[i])).as("count %d element %d", count, i)
                        .isEqualTo(Double.doubleToRawLongBits(src[i]));
            }
        }
    }

    @Test
    void byteBuffersAreUsedUpToTheirCapacity() {
        ByteBuffer src = ByteBuffer.allocate(16);
        for (int i = 0; i < 16; i++) src.put(i, (byte) i);
        src.limit(1).position(1);
        Staging s = new StagingPool().take(16);
        s.copyIn(src, ElementType.BYTE, 4, 8);
        ByteBuffer dst = ByteBuffer.allocateDirect(16);
        dst.limit(0);
        s.copyOut(0, dst, ElementType.BYTE, 2, 8);
        dst.limit(16);
        for (int i = 0; i < 8; i++) assertThat(dst.get(2 + i)).isEqualTo((byte) (4 + i));
    }

    @Test
    void poolReusesBuffersOfTheSameSizeClass() {
        StagingPool pool = new StagingPool();
        Staging a = pool.take(1000);
        pool.give(a);
        assertThat(pool.take(1024)).isSameAs(a);
        assertThat(pool.take(1000)).isNotSameAs(a);
        assertThat(pool.take(0).capacity()).isPositive();
    }

    private static void fill(Object a) {
        int n = java.lang.reflect.Array.getLength(a);
        for (int i = 0; i < n; i++) {
            if (a instanceof boolean[]) ((boolean[]) a)[i] = i % 3 == 0;
            else if (a instanceof char[]) ((char[]) a)[i] = (char) ('a' + i);
            else if (a instanceof byte[]) ((byte[]) a)[i] = (byte) (i * 7);
            else if (a instanceof short[]) ((short[]) a)[i] = (short) (i * 1000);
            else if (a instanceof int[]) ((int[]) a)[i] = i * 100_000;
            else if (a instanceof long[]) ((long[]) a)[i] = i * 10_000_000_000L;
            else if (a instanceof float[]) ((float[]) a)[i] = i * 1.5f;
            else if (a instanceof double[]) ((double[]) a)[i] = i * 2.25;
        }
    }
}
