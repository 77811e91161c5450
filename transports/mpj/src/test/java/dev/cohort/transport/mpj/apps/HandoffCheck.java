package dev.cohort.transport.mpj.apps;

import dev.cohort.Cohort;
import dev.cohort.Comm;
import dev.cohort.Request;
import dev.cohort.Status;

import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * Two ranks of the multicore device: rank 0 sends rank 1 a 4-byte message, which must not go by
 * handoff, a 1 MiB double[], which must (an offer in the JVM's registry while the send is pending,
 * none after it), and another 4-byte message. Rank 1 receives the last one first, so the others wait
 * in its queue of unexpected messages, then the large one, checking every element, then the first.
 * Each rank prints "handoff ok on rank R" when its checks hold and throws otherwise.
 */
public final class HandoffCheck {
    private HandoffCheck() {
    }

    public static void main(String[] args) {
        try (Cohort mpi = Cohort.init(args)) {
            Comm world = mpi.world();
            Object registry = registry();
            check(registry instanceof Map, "the handoff registry is in the platform MBean server: " + registry);
            Map<?, ?> offers = (Map<?, ?>) registry;
            double[] big = new double[1 << 17];
            if (world.rank() == 0) {
                for (int i = 0; i < big.length; i++) big[i] = i * 0.5 + 1;
                // rank 1 takes nothing before the tag-8 message, which goes last
                Request small = world.isend(new int[]{9}, 1, 9);
                check(offers.isEmpty(), "the 4-byte send made no offer, found " + offers.size());
                Request large = world.isend(big, 1, 7);
                check(offers.size() == 1, "one offer while the large send is pending, found " + offers.size());
                world.send(new int[]{42}, 1, 8);
                large.waitFor();
                small.waitFor();
                check(offers.isEmpty(), "no offer once the sends completed, found " + offers.size());
            } else if (world.rank() == 1) {
                int[] small = new int[1];
                world.recv(small, 0, 8);
                check(small[0] == 42, "the tag-8 message: " + small[0]);
                check(offers.size() == 1, "rank 0's large send is on offer, found " + offers.size());
                Status s = world.recv(big, 0, 7);
                check(s.count() == big.length, "count " + s.count());
                for (int i = 0; i < big.length; i++) check(big[i] == i * 0.5 + 1, "element " + i + " is " + big[i]);
                world.recv(small, 0, 9);
                check(small[0] == 9, "the tag-9 message: " + small[0]);
            }
            world.barrier();
            System.out.println("handoff ok on rank " + world.rank());
        }
    }

    /** What a rank of another class loader finds: the map under the registry's name, else null. */
    private static Object registry() {
        try {
            return ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName("dev.cohort:type=MpjHandoff"), "Offers");
        } catch (InstanceNotFoundException e) {
            return null;
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new IllegalStateException("handoff check failed: " + what);
    }
}
