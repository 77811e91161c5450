package dev.cohort.transport.ffm;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The MPICH ABI facts that need no library: constants from mpi.h and the status byte count. */
class AbiTest {
    @Test
    void mpichConstantsAreThoseOfMpiH() {
        Abi a = new Abi.Mpich();
        assertThat(a.commWorld()).isEqualTo(0x44000000L);
        assertThat(a.datatype("DOUBLE")).isEqualTo(0x4c00080bL);
        assertThat(a.op("SUM")).isEqualTo(0x58000003L);
        assertThat(a.anySource()).isEqualTo(-2);
        assertThat(a.handleSize()).isEqualTo(4);
        assertThat(a.statusSize()).isEqualTo(20);
    }

    /** MPICH is asked for SERIALIZED, which Cohort's one lock gives; Open MPI for SINGLE (it locks above that). */
    @Test
    void threadLevelsFollowTheFamily() {
        assertThat(new Abi.Mpich().threadLevel()).isEqualTo(2);
        assertThat(new Abi.OpenMpi(null).threadLevel()).isZero();
    }

    @Test
    void theThreadLevelPropertyOverridesAndIsChecked() {
        String before = System.getProperty("cohort.ffm.threadLevel");
        try {
            System.setProperty("cohort.ffm.threadLevel", " Serialized ");
            assertThat(FfmTransport.requestedThreadLevel()).isEqualTo(2);
            System.setProperty("cohort.ffm.threadLevel", "multiple");
            assertThat(FfmTransport.requestedThreadLevel()).isEqualTo(3);
            System.setProperty("cohort.ffm.threadLevel", "several");
            assertThatThrownBy(FfmTransport::requestedThreadLevel).isInstanceOf(dev.cohort.CohortException.class)
                    .hasMessageContaining("cohort.ffm.threadLevel=several").hasMessageContaining("single");
        } finally {
            if (before == null) System.clearProperty("cohort.ffm.threadLevel");
            else System.setProperty("cohort.ffm.threadLevel", before);
        }
    }

    @Test
    void mpichStatusCountSpansTwoWordsAndSkipsTheCancelledBit() {
        Abi a = new Abi.Mpich();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(20);
            st.set(ValueLayout.JAVA_INT, 0, 0x10);              // count_lo
            st.set(ValueLayout.JAVA_INT, 4, (3 << 1) | 1);      // count_hi = 3, cancelled
            assertThat(a.statusBytes(st)).isEqualTo((3L << 32) | 0x10);
        }
    }

    @Test
    void handlesRoundTripThroughMemoryAtTheirWidth() {
        Abi a = new Abi.Mpich();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment h = arena.allocate(8);
            a.writeHandle(h, 0x6c000000L);
            assertThat(a.readHandle(h)).isEqualTo(0x6c000000L);
            assertThat(h.get(ValueLayout.JAVA_INT, 4)).isZero();
        }
    }

    @Test
    void stagingPoolReusesBlocksOfAClass() {
        StagingPool p = new StagingPool();
        MemorySegment a = p.take(1000);
        assertThat(a.byteSize()).isEqualTo(1024);
        p.give(a);
        assertThat(p.take(600)).isSameAs(a);
        assertThat(p.take(10).byteSize()).isEqualTo(128);
    }
}
