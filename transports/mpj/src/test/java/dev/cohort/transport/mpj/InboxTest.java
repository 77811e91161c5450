package dev.cohort.transport.mpj;

import dev.cohort.ElementType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The multicore device's {@link Inbox} queues within one JVM: what a receiver takes, in which order, and what a send copies. */
class InboxTest {
    @AfterEach
    void clear() {
        System.clearProperty("cohort.mpj.inbox");
    }

    @Test
    void eachRankTakesOnlyItsOwnMessagesInTheOrderTheyWerePut() {
        Inbox zero = Inbox.open(0, 3), one = Inbox.open(1, 3), two = Inbox.open(2, 3);
        while (zero.take() != null || one.take() != null || two.take() != null) {
            // queues another test of this JVM left behind
        }
        for (int i = 0; i < 5; i++) {
            zero.post(2, 0, 100 + i, i, new byte[]{(byte) i});
            one.post(2, 1, 200 + i, i, null);
        }
        zero.post(1, 0, 7, 3, new long[]{1, 2, 3});
        List<Integer> fromZero = new ArrayList<>(), fromOne = new ArrayList<>();
        for (Object[] m; (m = two.take()) != null; ) {
            int source = (Integer) m[Inbox.SOURCE];
            int wt = (Integer) m[Inbox.WIRE_TAG];
            assertThat(source).isIn(0, 1);
            if (source == 0) {
                fromZero.add(wt);
                assertThat((byte[]) m[Inbox.DATA]).containsExactly((byte) (wt - 100));
            } else {
                fromOne.add(wt);
                assertThat(m[Inbox.DATA]).isNull();
            }
            assertThat((Integer) m[Inbox.COUNT]).isEqualTo(wt % 100);
        }
        assertThat(fromZero).containsExactly(100, 101, 102, 103, 104);
        assertThat(fromOne).containsExactly(200, 201, 202, 203, 204);
        Object[] forOne = one.take();
        assertThat(forOne).isNotNull();
        assertThat((long[]) forOne[Inbox.DATA]).containsExactly(1, 2, 3);
        assertThat(one.take()).isNull();
        assertThat(zero.take()).isNull();
    }

    @Test
    void ranksOfOneJobShareTheQueuesThroughThePlatformMBeanServer() throws Exception {
        Object[] four = Handoff.inboxes(4);
        assertThat(four).hasSize(4).allMatch(q -> q instanceof ConcurrentLinkedQueue);
        assertThat(Handoff.inboxes(4)).isSameAs(four);
        assertThat(Handoff.inboxes(5)).hasSize(5).isNotSameAs(four);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Object seen = server.getAttribute(new ObjectName(Handoff.REGISTRY_NAME), "Inboxes");
        assertThat(seen).as("what another class loader's rank reads").isInstanceOf(ConcurrentMap.class);
        assertThat(((ConcurrentMap<?, ?>) seen).get(4)).isSameAs(four);
    }

    @Test
    void aRegistryWithoutInboxesLeavesMessagesToMpj() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        assertThat(Handoff.inboxes(server)).as("nothing registered").isNull();
        assertThat(Handoff.registry(server)).isNotNull();
        assertThat(Handoff.inboxes(server)).isNotNull().isEmpty();
    }

    @Test
    void theInboxCanBeTurnedOff() {
        System.setProperty("cohort.mpj.inbox", "false");
        assertThat(Inbox.open(0, 2)).isNull();
        System.setProperty("cohort.mpj.inbox", "true");
        assertThat(Inbox.open(0, 2)).isNotNull();
    }

    @Test
    void aSendCopiesItsRangeSoItsBufferIsFreeAtOnce() {
        double[] d = {0, 1, 2, 3, 4, 5};
        Object c = Inbox.copyOf(d, ElementType.DOUBLE, 2, 3);
        d[3] = -1;
        assertThat((double[]) c).containsExactly(2, 3, 4);

        ByteBuffer heap = ByteBuffer.wrap(new byte[]{9, 8, 7, 6, 5});
        heap.position(4).limit(5);                     // offset and count address the whole capacity
        assertThat((byte[]) Inbox.copyOf(heap, ElementType.BYTE, 1, 3)).containsExactly(8, 7, 6);
        assertThat(heap.position()).isEqualTo(4);
        assertThat(heap.limit()).isEqualTo(5);

        ByteBuffer direct = ByteBuffer.allocateDirect(4).put(new byte[]{1, 2, 3, 4});
        assertThat((byte[]) Inbox.copyOf(direct, ElementType.BYTE, 0, 4)).containsExactly(1, 2, 3, 4);

        assertThat((byte[]) Inbox.copyOf(new byte[0], ElementType.OBJECT, 0, 0)).isEmpty();
    }
}
