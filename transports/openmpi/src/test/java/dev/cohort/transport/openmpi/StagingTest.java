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
