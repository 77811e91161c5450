package dev.cohort.local;

import dev.cohort.CohortException;
import dev.cohort.Comm;
import dev.cohort.ErrorClass;
import dev.cohort.PersistentRequest;
import dev.cohort.Request;
import dev.cohort.Status;
import dev.cohort.testing.RankHarness;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The local transport's lock-free lane for small messages ({@link Ring}) and how it meets the mailbox:
 * MPI's order between small (ring) and large (mailbox) messages, a full ring, wildcard receives,
 * mismatches that must not consume the message, futures and parked receivers (which need the sender to
 * push), and every element type through the inline copy.
 */
class RingPathTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    /** Sizes straddling the inline limit, the ring limit and the mailbox's eager limit. */
    private static final int[] SIZES = {1, 8, Ring.INLINE_BYTES, Ring.INLINE_BYTES + 1, Ring.MAX_BYTES,
            Ring.MAX_BYTES + 1, 20_000, 200_000, 3};

    @Test
    void smallAndLargeMessagesFromOneSenderArriveInOrderWhetherReceivesArePostedBeforeOrAfter() {
        RankHarness.run(2, LIMIT, world -> {
            int rounds = 3 * Ring.SLOTS;   // more than a ring holds: the sender must fall back and keep order
            if (world.rank() == 0) {
                for (int i = 0; i < rounds; i++) {
                    byte[] b = filled(SIZES[i % SIZES.length], i);
                    world.send(b, 1, 5);
                }
                handshake(world);
                for (int i = 0; i < rounds; i++) world.send(filled(SIZES[i % SIZES.length], i), 1, 6);
            } else {
                // first batch: every receive is posted late (messages are waiting, in ring or mailbox)
                Thread.sleep(200);
                for (int i = 0; i < rounds; i++) {
                    byte[] b = new byte[200_000];
                    Status s = world.recv(b, 0, 5);
                    assertThat(s.count()).isEqualTo(SIZES[i % SIZES.length]);
                    assertThat(b[0]).as("message %d", i).isEqualTo((byte) i);
                    assertThat(b[s.count() - 1]).isEqualTo((byte) i);
                }
                handshake(world);
                // second batch: receives posted ahead, completed in posting order
                List<Request> rs = new ArrayList<>();
                List<byte[]> bufs = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    byte[] b = new byte[200_000];
                    bufs.add(b);
                    rs.add(world.irecv(b, 0, 6));
                }
                Status[] st = Request.waitAll(rs.toArray(new Request[0]));
                for (int i = 0; i < rounds; i++) {
                    assertThat(st[i].count()).isEqualTo(SIZES[i % SIZES.length]);
                    assertThat(bufs.get(i)[0]).as("message %d", i).isEqualTo((byte) i);
                }
            }
        });
    }

    @Test
    void aRingMessageAheadOfTheOneAReceiveWantsGoesToTheReceivePostedForItEarlier() {
        RankHarness.run(2, LIMIT, world -> {
            if (world.rank() == 0) {
                handshake(world);
                for (int round = 0; round < 50; round++) {
                    world.send(new int[]{round}, 1, 120);
                    world.send(new int[]{-round}, 1, 121);
                }
            } else {
                for (int round = 0; round < 50; round++) {
                    int[] early = new int[1];
                    Request posted = world.irecv(early, 0, 120);   // posted before the messages come
                    if (round == 0) handshake(world);
                    Thread.sleep(round < 3 ? 100 : 0);              // both wait in the ring, unpolled
                    int[] later = new int[1];
                    world.recv(later, 0, 121);                     // must hand tag 120 to the posted receive
                    Status s = posted.await();
                    assertThat(early[0]).as("round %d", round).isEqualTo(round);
                    assertThat(s.tag()).isEqualTo(120);
                    assertThat(later[0]).isEqualTo(-round);
                }
            }
        });
    }

    /**
     * Races the ring against receives posted just before: each round posts a receive for tag 120,
     * then one for tag 121 whose start looks through the ring while the peer keeps filling it. A tag
     * 120 message that arrives in that window must go to the receive posted for it, not to the
     * waiting list behind it (where the next round's message would overtake it).
     */
    @Test
    void persistentRoundsWithSynchronousSendsKeepEveryRoundsData() {
        RankHarness.run(2, LIMIT, world -> {
            int me = world.rank(), peer = 1 - me;
            int[] out = new int[4], in = new int[4];
            long[] sout = new long[2], sin = new long[2];
            PersistentRequest send = world.sendInit(out, peer, 120);
            PersistentRequest recv = world.recvInit(in, peer, 120);
            PersistentRequest ssend = world.ssendInit(sout, peer, 121);
            PersistentRequest srecv = world.recvInit(sin, peer, 121);
            for (int round = 0; round < 20_000; round++) {
                java.util.Arrays.fill(out, round * 10 + me);
                sout[0] = round;
                Request.startAll(recv, send, srecv, ssend);
                Request.waitAll(recv, send, srecv, ssend);
                if (in[0] != round * 10 + peer || sin[0] != round) {
                    throw new AssertionError("round " + round + " received " + java.util.Arrays.toString(in) + " and "
                            + java.util.Arrays.toString(sin));
                }
            }
        });
    }

    @Test
    void aReceiveForOneTagSkipsRingMessagesOfOthersWithoutLosingThem() {
        RankHarness.run(2, LIMIT, world -> {
            if (world.rank() == 0) {
                for (int t = 1; t <= 10; t++) world.send(new int[]{t}, 1, t);
                world.send(new int[]{99}, 1, 99);
            } else {
                int[] x = new int[1];
                world.recv(x, 0, 99);                       // waits behind ten others
                assertThat(x[0]).isEqualTo(99);
                for (int t = 10; t >= 1; t--) {             // the skipped ones are all still there
                    Status s = world.recv(x, 0, t);
                    assertThat(x[0]).isEqualTo(t);
                    assertThat(s.tag()).isEqualTo(t);
                }
                assertThat(world.iprobe(Comm.ANY_SOURCE, Comm.ANY_TAG)).isNull();
            }
        });
    }

    @Test
    void anySourceReceivesTakeEveryRankMessagesAndKeepEachSendersOrder() {
        int np = 4;
        RankHarness.run(np, LIMIT, world -> {
            int per = 2 * Ring.SLOTS;
            if (world.rank() != 0) {
                for (int i = 0; i < per; i++) world.send(new long[]{world.rank(), i}, 0, 3);
            } else {
                int[] next = new int[np];
                long[] m = new long[2];
                for (int k = 0; k < per * (np - 1); k++) {
                    Status s = world.recv(m, Comm.ANY_SOURCE, Comm.ANY_TAG);
                    assertThat(s.source()).isEqualTo((int) m[0]);
                    assertThat(m[1]).as("from rank %d", m[0]).isEqualTo(next[(int) m[0]]++);
                }
                for (int r = 1; r < np; r++) assertThat(next[r]).isEqualTo(per);
            }
        });
    }

    @Test
    void aMismatchedReceiveFailsAndLeavesTheRingMessageForOneThatFits() {
        RankHarness.run(2, LIMIT, world -> {
            if (world.rank() == 0) {
                world.send(new double[]{1, 2, 3}, 1, 4);
                handshake(world);
            } else {
                Thread.sleep(100);   // the message is in the ring before either receive
                assertThatThrownBy(() -> world.recv(new double[2], 0, 4))
                        .isInstanceOf(CohortException.class)
                        .satisfies(e -> assertThat(((CohortException) e).errorClass()).isEqualTo(ErrorClass.TRUNCATE));
                assertThatThrownBy(() -> world.recv(new int[3], 0, 4))
                        .satisfies(e -> assertThat(((CohortException) e).errorClass()).isEqualTo(ErrorClass.TYPE));
                double[] d = new double[3];
                world.recv(d, 0, 4);
                assertThat(d).containsExactly(1, 2, 3);
                handshake(world);
            }
        });
    }

    @Test
    void aFutureCompletesWhileItsRankDoesNotPoll() {
        RankHarness.run(2, LIMIT, world -> {
            if (world.rank() == 1) {
                int[] x = new int[1];
                CompletableFuture<Status> f = world.irecv(x, 0, 8).toFuture();
                world.send(new int[]{0}, 0, 1);               // now the sender may go
                Status s = f.get(10, TimeUnit.SECONDS);        // this rank makes no Cohort call meanwhile
                assertThat(s.source()).isZero();
                assertThat(x[0]).isEqualTo(42);
            } else {
                world.recv(new int[1], 1, 1);
                world.send(new int[]{42}, 1, 8);
            }
        });
    }

    @Test
    void aParkedReceiverIsWokenBySmallMessages() {
        RankHarness.run(2, LIMIT, world -> {
            for (int i = 0; i < 20; i++) {
                if (world.rank() == 0) {
                    Thread.sleep(i % 2 == 0 ? 30 : 0);        // long enough for the receiver to park
                    world.send(new short[]{(short) i}, 1, 2);
                } else {
                    short[] x = new short[1];
                    long t0 = System.nanoTime();
                    world.recv(x, 0, 2);
                    assertThat(x[0]).isEqualTo((short) i);
                    // a missed wake-up would cost the park timeout or hang: stay well under it
                    assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
                }
            }
        });
    }

    @Test
    void everyElementTypeAndByteBuffersCrossTheInlineCopy() {
        RankHarness.run(2, LIMIT, world -> {
            if (world.rank() == 0) {
                world.send(new byte[]{1, -2, 3}, 1, 1);
                world.send(new short[]{-4, 5}, 1, 1);
                world.send(new int[]{6, -7, 8}, 1, 1);
                world.send(new long[]{Long.MIN_VALUE, 9}, 1, 1);
                world.send(new float[]{1.5f, -2.5f}, 1, 1);
                world.send(new double[]{Math.PI, -0.0}, 1, 1);
                world.send(new char[]{'x', 'é'}, 1, 1);
                world.send(new boolean[]{true, false, true}, 1, 1);
                ByteBuffer bb = ByteBuffer.allocateDirect(16);
                for (int i = 0; i < 16; i++) bb.put(i, (byte) (i * 3));
                world.send(bb, 2, 5, 1, 1);                   // elements 2..6 of a direct buffer
                world.send(new int[]{0, 0, 11, 12, 0}, 2, 2, 1, 1);
            } else {
                byte[] b = new byte[3];
                world.recv(b, 0, 1);
                assertThat(b).containsExactly(1, -2, 3);
                short[] s = new short[2];
                world.recv(s, 0, 1);
                assertThat(s).containsExactly((short) -4, (short) 5);
                int[] i3 = new int[3];
                world.recv(i3, 0, 1);
                assertThat(i3).containsExactly(6, -7, 8);
                long[] l = new long[2];
                world.recv(l, 0, 1);
                assertThat(l).containsExactly(Long.MIN_VALUE, 9);
                float[] f = new float[2];
                world.recv(f, 0, 1);
                assertThat(f).containsExactly(1.5f, -2.5f);
                double[] d = new double[2];
                world.recv(d, 0, 1);
                assertThat(d).containsExactly(Math.PI, -0.0);
                char[] c = new char[2];
                world.recv(c, 0, 1);
                assertThat(c).containsExactly('x', 'é');
                boolean[] z = new boolean[3];
                world.recv(z, 0, 1);
                assertThat(z).containsExactly(true, false, true);
                ByteBuffer into = ByteBuffer.allocate(10);
                Status st = world.recv(into, 3, 5, 0, 1);
                assertThat(st.count()).isEqualTo(5);
                for (int k = 0; k < 5; k++) assertThat(into.get(3 + k)).isEqualTo((byte) ((2 + k) * 3));
                int[] at = new int[6];
                world.recv(at, 4, 2, 0, 1);
                assertThat(at).containsExactly(0, 0, 0, 0, 11, 12);
            }
        });
    }

    @Test
    void objectMessagesTravelTheRingAndAreOwnedByTheReceiver() {
        RankHarness.run(2, LIMIT, world -> {
            if (world.rank() == 0) {
                for (int i = 0; i < 3 * Ring.SLOTS; i++) world.sendObject(List.of(i, "x" + i), 1, 3);
            } else {
                List<Object> got = new ArrayList<>();
                for (int i = 0; i < 3 * Ring.SLOTS; i++) got.add(world.recvObject(0, 3));
                for (int i = 0; i < got.size(); i++) assertThat(got.get(i)).isEqualTo(List.of(i, "x" + i));
            }
        });
    }

    /**
     * Short copier tapes travel inside the slot, long ones and encodings by reference, buffers in the
     * slot's spill array; one slot carries each kind in turn over several laps, and every message
     * arrives whole and in order whether its receive was posted before or after it came.
     */
    @Test
    void shortAndLongTapesEncodingsAndSpilledBuffersShareTheSlotsInOrder() {
        int rounds = 4 * Ring.SLOTS + 3;   // not a multiple of the kinds: every slot sees every kind
        RankHarness.run(2, LIMIT, world -> {
            if (world.rank() == 0) {
                for (int batch = 0; batch < 2; batch++) {
                    for (int i = 0; i < rounds; i++) {
                        if (i % 5 == 4) world.send(filled(1000, i), 1, 7);
                        else world.sendObject(mixed(i), 1, 7);
                    }
                    handshake(world);
                }
            } else {
                for (int batch = 0; batch < 2; batch++) {
                    List<Request> rs = new ArrayList<>();
                    List<Object> into = new ArrayList<>();
                    if (batch == 1) {   // posted ahead of the messages
                        for (int i = 0; i < rounds; i++) {
                            if (i % 5 == 4) {
                                byte[] b = new byte[1000];
                                into.add(b);
                                rs.add(world.irecv(b, 0, 7));
                            } else {
                                into.add(null);
                                rs.add(world.irecvObject(0, 7));
                            }
                        }
                    } else {
                        Thread.sleep(100);   // messages wait in the ring and the mailbox
                    }
                    for (int i = 0; i < rounds; i++) {
                        if (i % 5 == 4) {
                            byte[] b = batch == 1 ? (byte[]) into.get(i) : new byte[1000];
                            if (batch == 1) rs.get(i).await();
                            else world.recv(b, 0, 7);
                            assertThat(b).as("buffer %d", i).isEqualTo(filled(1000, i));
                        } else {
                            Object got = batch == 1 ? ((dev.cohort.ObjectRequest<?>) rs.get(i)).get() : world.recvObject(0, 7);
                            assertThat(got).as("object %d", i).isEqualTo(mixed(i));
                        }
                    }
                    handshake(world);
                }
            }
        });
    }

    /** Message i: a short tape, a long tape, a bulk list of values, or an encoded (immutable) list. */
    private static Object mixed(int i) {
        switch (i % 5) {
            case 0: {
                java.util.HashMap<String, Object> m = new java.util.HashMap<>();
                m.put("i", i);
                m.put("l", new ArrayList<>(List.of(i, i + 1)));
                return m;
            }
            case 1: {
                ArrayList<Object> l = new ArrayList<>();
                for (int k = 0; k < 12; k++) l.add(new ArrayList<>(List.of(i, k)));
                return l;
            }
            case 2: {
                ArrayList<Object> l = new ArrayList<>();
                for (int k = 0; k < 40; k++) l.add("v" + (i + k));
                return l;
            }
            default:
                return List.of(i, "encoded");
        }
    }

    /** Ranks 0 and 1 meet (mpi-core has no collectives module to barrier with). */
    private static void handshake(Comm world) {
        int peer = 1 - world.rank();
        world.sendrecv(new int[1], peer, 1000, new int[1], peer, 1000);
    }

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }
}
