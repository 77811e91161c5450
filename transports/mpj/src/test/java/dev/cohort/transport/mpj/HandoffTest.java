package dev.cohort.transport.mpj;

import dev.cohort.CohortException;
import dev.cohort.ElementType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The offers of {@link Handoff} within one JVM: what a receive copies, and when a send may complete. */
class HandoffTest {
    @AfterEach
    void clear() {
        System.clearProperty("cohort.mpj.handoffBytes");
        Handoff.registry().clear();
    }

    @Test
    void aReceiveCopiesTheOfferedRangeAndMarksItDone() {
        Handoff sender = Handoff.open(0);
        double[] src = new double[10];
        for (int i = 0; i < src.length; i++) src[i] = i + 0.25;
        AtomicBoolean done = new AtomicBoolean();
        long key = sender.offer(src, 2, 5, done);
        assertThat(Handoff.registry()).containsKey(key);
        assertThat(done).isFalse();
        double[] dst = new double[8];
        assertThat(Handoff.take(key, dst, 1)).isNull();
        assertThat(dst).containsExactly(0, 2.25, 3.25, 4.25, 5.25, 6.25, 0, 0);
        assertThat(done).isTrue();
        assertThat(Handoff.registry()).isEmpty();
        assertThatThrownBy(() -> Handoff.take(key, dst, 0)).hasMessageContaining("is not on offer");
    }

    @Test
    void keysOfTwoRanksNeverMeet() {
        Handoff a = Handoff.open(0);
        Handoff b = Handoff.open(1);
        long k1 = a.offer(new byte[1], 0, 1, new AtomicBoolean());
        long k2 = a.offer(new byte[1], 0, 1, new AtomicBoolean());
        long k3 = b.offer(new byte[1], 0, 1, new AtomicBoolean());
        assertThat(Handoff.registry()).containsOnlyKeys(k1, k2, k3);
        a.withdraw(k2);
        assertThat(Handoff.registry()).containsOnlyKeys(k1, k3);
    }

    @Test
    void byteBuffersOnEitherSideAndObjectReceivesGetTheirBytes() {
        Handoff h = Handoff.open(0);
        byte[] bytes = {1, 2, 3, 4, 5, 6};
        ByteBuffer direct = ByteBuffer.allocateDirect(6).put(bytes);     // position 6: ignored, as Cohort's offsets address the capacity
        ByteBuffer heap = ByteBuffer.allocate(8);
        long k = h.offer(direct, 1, 4, new AtomicBoolean());
        Handoff.take(k, heap, 3);
        assertThat(heap.array()).containsExactly(0, 0, 0, 2, 3, 4, 5, 0);
        k = h.offer(heap, 3, 4, new AtomicBoolean());
        byte[] plain = new byte[5];
        Handoff.take(k, plain, 1);
        assertThat(plain).containsExactly(0, 2, 3, 4, 5);
        k = h.offer(bytes, 2, 3, new AtomicBoolean());
        assertThat(Handoff.take(k, null, 0)).as("an object receive's encoding").containsExactly(3, 4, 5);
        ByteBuffer into = ByteBuffer.allocateDirect(4);
        k = h.offer(bytes, 0, 2, new AtomicBoolean());
        Handoff.take(k, into, 2);
        assertThat(into.get(2)).isEqualTo((byte) 1);
        assertThat(into.get(3)).isEqualTo((byte) 2);
    }

    @Test
    void theThresholdIsInBytesAndZeroTurnsItOff() {
        System.setProperty("cohort.mpj.handoffBytes", "64");
        Handoff h = Handoff.open(0);
        assertThat(h.wants(ElementType.DOUBLE, 8)).isTrue();
        assertThat(h.wants(ElementType.DOUBLE, 7)).isFalse();
        assertThat(h.wants(ElementType.BYTE, 64)).isTrue();
        assertThat(h.wants(ElementType.INT, Integer.MAX_VALUE)).as("no overflow").isTrue();
        System.setProperty("cohort.mpj.handoffBytes", "0");
        assertThat(Handoff.open(0)).isNull();
        System.clearProperty("cohort.mpj.handoffBytes");
        assertThat(Handoff.minBytes()).isEqualTo(Handoff.DEFAULT_MIN_BYTES);
        System.setProperty("cohort.mpj.handoffBytes", "8k");
        assertThatThrownBy(Handoff::minBytes).isInstanceOf(CohortException.class)
                .hasMessageContaining("-Dcohort.mpj.handoffBytes=8k: expected a number of bytes");
    }

    @Test
    void theRegistryIsThePlatformMBeanServersAndLeavesTheSystemPropertiesStrings() throws Exception {
        Handoff h = Handoff.open(3);
        long key = h.offer(new byte[1], 0, 1, new AtomicBoolean());
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(Handoff.REGISTRY_NAME);
        assertThat(server.getAttribute(name, "Offers")).as("what another class loader's rank reads").isSameAs(Handoff.registry());
        assertThat(server.getAttribute(name, "Pending")).isEqualTo(1);
        assertThat(Handoff.registry()).containsOnlyKeys(key);
        System.getProperties().store(new ByteArrayOutputStream(), null);   // threw ClassCastException with the map there
        assertThat(System.getProperties().values()).allMatch(v -> v instanceof String);
    }

    @Test
    void theFirstToRegisterMakesTheMapAndTheOthersFindIt() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        ConcurrentMap<Long, Object[]> first = Handoff.registry(server);
        assertThat(first).isNotNull();
        assertThat(Handoff.registry(server)).isSameAs(first);
    }

    @Test
    void somethingElseUnderTheRegistrysNameTurnsItOff() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        Runnable other = () -> { };
        server.registerMBean(new StandardMBean(other, Runnable.class), new ObjectName(Handoff.REGISTRY_NAME));
        assertThat(Handoff.registry(server)).isNull();
    }
}
