package dev.cohort.transport.openmpi.apps;

import dev.cohort.Cohort;
import dev.cohort.Comm;
import dev.cohort.Request;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Long messages in the patterns where a rendezvous could deadlock if a rank waiting for its data
 * did not serve the clear-to-sends of others: everyone sending to everyone (itself included) at once,
 * a send followed by a receive the peer sends only after taking the send, a sender that computes
 * before it waits, a blocking collective entered while a send to a receive posted before it is still
 * to be taken, and two threads of each rank sending to the same peer at once. Every element is
 * checked. Prints "rank R: N exchanges checked" and "rendezvous: true|false, realigned: N" (rank 0;
 * N: the rendezvous sends of all ranks that went from a realigned copy). Run under
 * mpirun, under a timeout: a deadlock shows as a hang.
 */
public final class LongExchanges {
    private static final int[] SIZES = {65_521, 300_001, 1 << 20, (4 << 20) + 3};
    private static final AtomicInteger checked = new AtomicInteger();

    private LongExchanges() {
    }

    private static double value(int from, int to, int i) {
        return from * 1_000_003.0 + to * 1009.0 + i;
    }

    private static double[] message(int from, int to, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = value(from, to, i);
        return a;
    }

    private static void check(double[] got, int from, int to, int n, String what) {
        for (int i = 0; i < n; i++) {
            if (got[i] != value(from, to, i)) {
                throw new AssertionError(what + ": element " + i + " of " + n + " from rank " + from + " is " + got[i]
                        + ", expected " + value(from, to, i));
            }
        }
        checked.incrementAndGet();
    }

    public static void main(String[] args) throws Exception {
        try (Cohort mpi = Cohort.init(args)) {
            Comm w = mpi.world();
            int me = w.rank(), size = w.size();
            for (int bytes : SIZES) {
                int n = bytes / 8;
                // everyone to everyone, itself included, all started before any wait
                List<Request> reqs = new ArrayList<>();
                double[][] in = new double[size][n];
                for (int p = 0; p < size; p++) reqs.add(w.irecv(in[p], 0, n, p, 1));
                for (int p = 0; p < size; p++) reqs.add(w.isend(message(me, p, n), 0, n, p, 1));
                Request.waitAll(reqs);
                for (int p = 0; p < size; p++) check(in[p], p, me, n, "all to all");

                // a send, then a receive the peer sends only once it has taken that send
                int next = (me + 1) % size, prev = (me + size - 1) % size;
                Request s = w.isend(message(me, next, n), 0, n, next, 2);
                double[] got = new double[n];
                w.recv(got, 0, n, prev, 2);
                check(got, prev, me, n, "ring");
                w.send(new int[]{me}, 0, 1, prev, 3);
                int[] ack = new int[1];
                w.recv(ack, 0, 1, next, 3);
                s.await();

                // the same send received at two places one element apart: the receiver's buffer lies at
                // two distances from the sender's (the helper may realign either: cohort_openmpi.c's realign)
                double[] src = message(me, next, n);
                double[] shifted = new double[n + 1];
                for (int k = 0; k < 2; k++) {
                    Request q = w.isend(src, 0, n, next, 5);
                    w.recv(shifted, k, n, prev, 5);
                    q.await();
                    check(java.util.Arrays.copyOfRange(shifted, k, k + n), prev, me, n, "received at offset " + k);
                }

                // a sender that computes before it waits: its background thread serves the receiver
                if (me == 0) {
                    Request late = w.isend(message(0, size - 1, n), 0, n, size - 1, 4);
                    long until = System.nanoTime() + 200_000_000L;
                    double x = 0;
                    while (System.nanoTime() < until) x += Math.sqrt(x + 1);
                    if (x < 0) System.out.println(x);
                    late.await();
                }
                if (me == size - 1) {
                    double[] d = new double[n];
                    w.recv(d, 0, n, 0, 4);
                    check(d, 0, me, n, "from a computing sender");
                }

                // a blocking collective while a long message is still on its way to a receive posted before
                // it: each rank's send completes only once the next rank has taken it, and the ranks send
                // one after the other, so the first to send is inside the allreduce when the last sends
                // to it. (Below MPI_THREAD_MULTIPLE a blocking collective holds the transport's lock: it
                // must not start before every rank has reached it, or the last send is never taken.)
                double[] early = new double[n];
                Request posted = w.irecv(early, 0, n, prev, 6);
                Thread.sleep(50L * me);
                w.send(message(me, next, n), 0, n, next, 6);
                double[] ones = new double[1 << 15], ranks = new double[1 << 15];   // 256 KiB: MPI's blocking allreduce
                java.util.Arrays.fill(ones, 1.0);
                w.allreduce(ones, ranks, dev.cohort.Op.SUM);
                for (double r : ranks) {
                    if (r != size) throw new AssertionError("allreduce after the ring of sends: " + r + ", expected " + size);
                }
                posted.await();
                check(early, prev, me, n, "received across a collective");

                // two threads of each rank send to the next rank at once, on tags of their own
                Thread[] ts = new Thread[2];
                Throwable[] failed = new Throwable[2];
                for (int k = 0; k < 2; k++) {
                    int tag = 10 + k;
                    ts[k] = new Thread(() -> {
                        try {
                            Request q = w.isend(message(me, next, n), 0, n, next, tag);
                            double[] d = new double[n];
                            w.recv(d, 0, n, prev, tag);
                            check(d, prev, me, n, "two threads, tag " + tag);
                            q.await();
                        } catch (Throwable e) {
                            failed[tag - 10] = e;
                        }
                    });
                    ts[k].start();
                }
                for (Thread t : ts) t.join();
                for (Throwable f : failed) if (f != null) throw new AssertionError("a sending thread failed", f);
                w.barrier();
            }
            long realigned = w.allreduce(realigned(), dev.cohort.Op.SUM);
            if (me == 0) System.out.println("rendezvous: " + rendezvous() + ", realigned: " + realigned);
            System.out.println("rank " + me + ": " + checked.get() + " exchanges checked");
        }
    }

    /** How many rendezvous sends of this rank went from a realigned copy (Pinned.realigned(); 0 without the helper). */
    private static long realigned() throws Exception {
        Class<?> c = Class.forName("dev.cohort.transport.openmpi.Pinned");
        java.lang.reflect.Method available = c.getDeclaredMethod("available");
        available.setAccessible(true);
        if (!(Boolean) available.invoke(null)) return 0;
        java.lang.reflect.Method m = c.getDeclaredMethod("realigned");
        m.setAccessible(true);
        return (Long) m.invoke(null);
    }

    /** Whether this rank's transport sends long messages by rendezvous (OpenMpiTransport.rendezvous()). */
    private static boolean rendezvous() throws Exception {
        Class<?> c = Class.forName("dev.cohort.transport.openmpi.OpenMpiTransport");
        java.lang.reflect.Field f = c.getDeclaredField("instance");
        f.setAccessible(true);
        java.lang.reflect.Method m = c.getDeclaredMethod("rendezvous");
        m.setAccessible(true);
        return (Boolean) m.invoke(f.get(null));
    }
}
