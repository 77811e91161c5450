package dev.cohort.conformance;

import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.PersistentRequest;
import dev.cohort.Request;
import dev.cohort.Status;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.cohort.conformance.Peers.next;
import static dev.cohort.conformance.Peers.prev;
import static org.assertj.core.api.Assertions.assertThat;

/** Blocking point-to-point: every element type, ssend, sendrecv, probe, wildcards, ordering, PROC_NULL. */
public final class PointToPointCases {
    private PointToPointCases() {
    }

    /** Elements in the typed ring messages: enough to pass an offset and leave untouched room around them. */
    private static final int COUNT = 37, SEND_OFFSET = 3, RECV_OFFSET = 5, RECV_ROOM = 8;

    /**
     * A ring of blocking send/recv of one element type, with offsets and a receive count larger than
     * the message: the status tells the sender, tag, count and type; the received range holds the
     * sender's values and nothing else in either buffer changed; a ByteBuffer's position and limit stay.
     */
    public static void sendRecv(Comm w, ElementKind kind) {
        int next = next(w), prev = prev(w), tag = 10;
        int sendCap = SEND_OFFSET + COUNT + 4, recvCap = RECV_OFFSET + COUNT + RECV_ROOM + 2;
        Object send = kind.allocate(sendCap);
        Buffers.fill(send, SEND_OFFSET, COUNT, w.rank());
        Object sendBefore = Buffers.snapshot(send);
        Object recv = kind.allocate(recvCap);
        if (kind.isByteBuffer()) {
            ((ByteBuffer) send).position(1).limit(sendCap - 1);
            ((ByteBuffer) recv).position(2).limit(recvCap - 1);
        }
        Status s = Peers.ringStep(w,
                () -> Buffers.send(w, send, SEND_OFFSET, COUNT, next, tag),
                () -> Buffers.recv(w, recv, RECV_OFFSET, COUNT + RECV_ROOM, prev, tag),
                () -> Buffers.isend(w, send, SEND_OFFSET, COUNT, next, tag));
        Expect.status(s, prev, tag, COUNT, kind.type());
        assertThat(Buffers.snapshot(recv)).as("%s received from rank %d", kind.name(), prev)
                .isEqualTo(Buffers.expected(kind.type(), recvCap, RECV_OFFSET, COUNT, prev));
        assertThat(Buffers.snapshot(send)).as("%s send buffer after the send", kind.name()).isEqualTo(sendBefore);
        if (kind.isByteBuffer()) {
            assertThat(((ByteBuffer) send).position()).as("send ByteBuffer position").isEqualTo(1);
            assertThat(((ByteBuffer) send).limit()).as("send ByteBuffer limit").isEqualTo(sendCap - 1);
            assertThat(((ByteBuffer) recv).position()).as("receive ByteBuffer position").isEqualTo(2);
            assertThat(((ByteBuffer) recv).limit()).as("receive ByteBuffer limit").isEqualTo(recvCap - 1);
        }
    }

    /**
     * The whole-buffer overloads: a whole array, and a ByteBuffer's position..limit (the position is
     * not moved).
     */
    public static void wholeBufferOverloads(Comm w) {
        int next = next(w), prev = prev(w);
        int[] a = new int[9];
        Buffers.fill(a, 0, a.length, w.rank());
        int[] in = new int[9];
        Status s = Peers.ringStep(w, () -> w.send(a, next, 12), () -> w.recv(in, prev, 12), () -> w.isend(a, next, 12));
        Expect.status(s, prev, 12, 9, ElementType.INT);
        assertThat(in).isEqualTo(Buffers.expected(ElementType.INT, 9, 0, 9, prev));

        ByteBuffer out = ByteBuffer.allocateDirect(32);
        Buffers.clear(out);
        Buffers.fill(out, 4, 16, w.rank());
        out.position(4).limit(20);
        ByteBuffer into = ByteBuffer.allocate(48);
        Buffers.clear(into);
        into.position(10).limit(40);
        Status t = Peers.ringStep(w, () -> w.send(out, next, 13), () -> w.recv(into, prev, 13), () -> w.isend(out, next, 13));
        Expect.status(t, prev, 13, 16, ElementType.BYTE);
        assertThat(Buffers.snapshot(into)).isEqualTo(Buffers.expected(ElementType.BYTE, 48, 10, 16, prev));
        assertThat(out.position()).as("sent ByteBuffer's position").isEqualTo(4);
        assertThat(into.position()).as("received ByteBuffer's position").isEqualTo(10);
        assertThat(into.limit()).as("received ByteBuffer's limit").isEqualTo(40);
    }

    /**
     * Explicit ByteBuffer offsets are absolute indices checked against the capacity (CommBuffers'
     * contract), so a range past the buffer's limit but within its capacity is sent and received
     * whole, and position and limit stay as they were. Both the message-first and receive-first
     * paths, small and big. Waits are bounded and failures collected, so that a rank whose send
     * fails does not leave its receiver blocked.
     */
    public static void byteBufferRangeIgnoresLimit(Comm w) throws InterruptedException {
        // Four bounded waits in a row can all run out when the transport is broken; keep them short.
        java.time.Duration patience = java.time.Duration.ofSeconds(5);
        int next = next(w), prev = prev(w), me = w.rank();
        List<String> problems = new ArrayList<>();
        for (int count : new int[]{10, 40_000}) {
            ByteBuffer out = ByteBuffer.allocateDirect(count + 8);
            Buffers.fill(out, 2, count, me);
            out.limit(1);
            for (boolean receiveFirst : new boolean[]{false, true}) {
                String what = count + " bytes, " + (receiveFirst ? "receive posted first" : "message first");
                ByteBuffer in = ByteBuffer.allocate(count + 8);
                Buffers.clear(in);
                in.limit(0);
                Request r = null;
                try {
                    if (receiveFirst) r = w.irecv(in, 3, count, prev, 16);
                } catch (RuntimeException e) {
                    problems.add(what + ": irecv from rank " + prev + " threw " + e);
                }
                Peers.waitForNext(w, 18);
                Request q = null;
                try {
                    q = w.isend(out, 2, count, next, 16);
                } catch (RuntimeException e) {
                    problems.add(what + ": isend to rank " + next + " threw " + e);
                }
                Peers.waitForPrev(w, 19);
                try {
                    if (!receiveFirst) r = w.irecv(in, 3, count, prev, 16);
                    if (r == null) throw new AssertionError("no receive was posted");
                    Status s = Expect.within(r, patience, what + ": receive from rank " + prev);
                    Expect.status(s, prev, 16, count, ElementType.BYTE);
                    assertThat(Buffers.snapshot(in)).isEqualTo(Buffers.expected(ElementType.BYTE, count + 8, 3, count, prev));
                    assertThat(in.limit()).isZero();
                } catch (AssertionError | RuntimeException e) {
                    problems.add(what + ": " + ConformanceMain.oneLine(e));
                }
                try {
                    if (q != null) Expect.within(q, patience, what + ": isend to rank " + next);
                } catch (AssertionError | RuntimeException e) {
                    problems.add(what + ": " + ConformanceMain.oneLine(e));
                }
                assertThat(out.limit()).isEqualTo(1);
            }
        }
        assertThat(problems).as("ByteBuffer ranges past the limit on rank %d", me).isEmpty();
    }

    /**
     * A blocking ssend does not return before the matching receive is posted. Each rank ssends to the
     * next from a helper thread; the next rank posts its receive only after this rank has seen, a
     * while later, that the ssend is still blocked and told it to go on. Needs a transport on which
     * several threads of a rank may call it at once (Cohort's contract).
     */
    public static void ssendWaitsForReceive(Comm w) throws Exception {
        long[] data = {w.rank(), 42};
        assertBlocksUntilReceived(w, "ssend", () -> w.ssend(data, 0, 2, next(w), 14), 14, () -> {
            long[] got = new long[2];
            Status s = w.recv(got, 0, 2, prev(w), 14);
            Expect.status(s, prev(w), 14, 2, ElementType.LONG);
            assertThat(got).containsExactly(prev(w), 42);
        }, 15);
    }

    /**
     * Runs {@code blockingSend} (to the next rank) on a helper thread, checks after a pause that it
     * has not returned, then lets the next rank receive (with {@code receive}, from the previous rank);
     * the send must then return. Used for ssend and ssendObject.
     */
    static void assertBlocksUntilReceived(Comm w, String what, Runnable blockingSend, int dataTag, Runnable receive,
                                          int goTag) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean returned = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            started.countDown();
            try {
                blockingSend.run();
                returned.set(true);
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "conformance-" + what + "-rank-" + w.rank());
        t.setDaemon(true);
        t.start();
        assertThat(started.await(Expect.PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).as("helper thread started").isTrue();
        Thread.sleep(150);
        boolean early = returned.get();
        // Finish the protocol before asserting, so a failure here does not leave the others waiting.
        Peers.waitForPrev(w, goTag);
        // Poll (sleeping) until the previous rank's send is visible before receiving it: a rank
        // parked in a receive that only a helper thread will satisfy could look deadlocked to the
        // local transport's watchdog, which watches rank threads only.
        long deadline = System.nanoTime() + Expect.PATIENCE.toNanos();
        while (w.iprobe(prev(w), dataTag) == null) {
            assertThat(System.nanoTime() - deadline).as("the %s from rank %d never arrived", what, prev(w)).isNegative();
            Thread.sleep(1);
        }
        receive.run();
        t.join(Expect.PATIENCE.toMillis());
        assertThat(early).as("%s to rank %d returned before rank %d had posted its receive", what, next(w), next(w)).isFalse();
        assertThat(failure.get()).as("%s failed", what).isNull();
        assertThat(t.isAlive()).as("%s still blocked after its receive completed", what).isFalse();
        assertThat(returned.get()).as("%s returned", what).isTrue();
    }

    /**
     * sendrecv around the ring, all ranks at once: with explicit offsets and counts, with whole
     * buffers and different send and receive tags, with ANY_SOURCE, and with messages big enough that
     * a transport must not buffer them (the exchange must still not deadlock).
     */
    public static void sendrecvRing(Comm w) {
        int next = next(w), prev = prev(w), me = w.rank();
        int[] out = new int[7];
        Buffers.fill(out, 1, 5, me);
        int[] in = new int[9];
        Buffers.clear(in);
        Status s = w.sendrecv(out, 1, 5, next, 20, in, 2, 6, prev, 20);
        Expect.status(s, prev, 20, 5, ElementType.INT);
        assertThat(in).isEqualTo(Buffers.expected(ElementType.INT, 9, 2, 5, prev));

        double[] dout = new double[4];
        Buffers.fill(dout, 0, 4, me);
        double[] din = new double[4];
        s = w.sendrecv(dout, next, 21 + next % 3, din, prev, 21 + me % 3);
        Expect.status(s, prev, 21 + me % 3, 4, ElementType.DOUBLE);
        assertThat(din).isEqualTo(Buffers.expected(ElementType.DOUBLE, 4, 0, 4, prev));

        s = w.sendrecv(dout, next, 24, din, Comm.ANY_SOURCE, 24);
        Expect.status(s, prev, 24, 4, ElementType.DOUBLE);

        long[] big = new long[20_000];
        Buffers.fill(big, 0, big.length, me);
        long[] bigIn = new long[20_000];
        s = w.sendrecv(big, next, 25, bigIn, prev, 25);
        Expect.status(s, prev, 25, big.length, ElementType.LONG);
        assertThat(bigIn).isEqualTo(Buffers.expected(ElementType.LONG, big.length, 0, big.length, prev));
    }

    /**
     * sendrecvReplace shifts a buffer one step around the ring; after size steps every rank has its
     * own values back. Elements outside offset..offset+count never change. Also with a big message.
     */
    public static void sendrecvReplaceRing(Comm w) {
        int next = next(w), prev = prev(w), me = w.rank(), n = w.size();
        short[] buf = new short[12];
        Buffers.clear(buf);
        Buffers.fill(buf, 2, 8, me);
        for (int step = 1; step <= n; step++) {
            Status s = w.sendrecvReplace(buf, 2, 8, next, 26, prev, 26);
            Expect.status(s, prev, 26, 8, ElementType.SHORT);
            int origin = ((me - step) % n + n) % n;
            assertThat(buf).as("after %d steps", step).isEqualTo(Buffers.expected(ElementType.SHORT, 12, 2, 8, origin));
        }
        float[] big = new float[10_000];
        Buffers.fill(big, 0, big.length, me);
        Status s = w.sendrecvReplace(big, next, 27, Comm.ANY_SOURCE, 27);
        Expect.status(s, prev, 27, big.length, ElementType.FLOAT);
        assertThat(big).isEqualTo(Buffers.expected(ElementType.FLOAT, big.length, 0, big.length, prev));

        ByteBuffer bb = ByteBuffer.allocateDirect(20);
        Buffers.clear(bb);
        Buffers.fill(bb, 5, 10, me);
        bb.position(5).limit(15);
        s = w.sendrecvReplace(bb, next, 28, prev, 28);
        Expect.status(s, prev, 28, 10, ElementType.BYTE);
        assertThat(Buffers.snapshot(bb)).isEqualTo(Buffers.expected(ElementType.BYTE, 20, 5, 10, prev));
        assertThat(bb.position()).isEqualTo(5);
    }

    /**
     * probe tells the source, tag, count and type of a message before it is received (and does not
     * consume it: probing again sees it again); the receive then uses a buffer sized from the probe.
     */
    public static void probeSizesTheReceive(Comm w) {
        int next = next(w), prev = prev(w), me = w.rank();
        int[] out = new int[3 * (me + 1) + 1];
        Buffers.fill(out, 0, out.length, me);
        Request r = w.isend(out, next, 30 + me % 4);
        int expectCount = 3 * (prev + 1) + 1, expectTag = 30 + prev % 4;

        Status p = w.probe(prev, Comm.ANY_TAG);
        Expect.status(p, prev, expectTag, expectCount, ElementType.INT);
        Status again = w.probe(prev, expectTag);
        assertThat(again).as("second probe").isEqualTo(p);
        Status ip = w.iprobe(prev, expectTag);
        assertThat(ip).as("iprobe of a probed message").isEqualTo(p);

        int[] in = new int[p.count()];
        Status s = w.recv(in, prev, p.tag());
        Expect.status(s, prev, expectTag, expectCount, ElementType.INT);
        assertThat(in).isEqualTo(Buffers.expected(ElementType.INT, expectCount, 0, expectCount, prev));
        r.await();
    }

    /**
     * iprobe returns null while no matching message is there (made certain with a handshake), then
     * sees the message once it arrives, and null again once it was received.
     */
    public static void iprobePollsUntilArrival(Comm w) throws InterruptedException {
        int next = next(w), prev = prev(w), me = w.rank();
        assertThat(w.iprobe(Comm.ANY_SOURCE, 39)).as("iprobe for a tag no one sends").isNull();
        assertThat(w.iprobe(prev, 31)).as("iprobe before the message was sent").isNull();
        Peers.waitForNext(w, 32);
        double[] out = new double[5];
        Buffers.fill(out, 0, 5, me);
        Request r = w.isend(out, next, 31);

        long deadline = System.nanoTime() + Expect.PATIENCE.toNanos();
        Status p;
        while ((p = w.iprobe(prev, 31)) == null) {
            assertThat(System.nanoTime() - deadline).as("iprobe never saw the message from rank %d", prev).isNegative();
            Thread.sleep(1);
        }
        Expect.status(p, prev, 31, 5, ElementType.DOUBLE);
        Status any = w.iprobe(Comm.ANY_SOURCE, 31);
        assertThat(any).as("iprobe with ANY_SOURCE").isEqualTo(p);
        double[] in = new double[p.count()];
        w.recv(in, prev, 31);
        assertThat(in).isEqualTo(Buffers.expected(ElementType.DOUBLE, 5, 0, 5, prev));
        assertThat(w.iprobe(prev, 31)).as("iprobe after the message was received").isNull();
        r.await();
    }

    /**
     * Wildcard receives report the real source and tag: ANY_SOURCE + ANY_TAG at a root that hears
     * from every rank (itself too); ANY_SOURCE with a given tag (a later tag first); a given source
     * with ANY_TAG (in the order that source sent).
     */
    public static void wildcardReceives(Comm w) {
        int root = Peers.root(w), me = w.rank(), n = w.size();
        List<Request> sends = new ArrayList<>();
        int[] mine = {me, me * me};
        sends.add(w.isend(mine, root, 40 + me));
        Request release = w.irecv(new int[1], root, 49);
        int[] in = new int[4];
        if (me == root) {
            Set<Integer> seen = new TreeSet<>();
            for (int k = 0; k < n; k++) {
                Status s = w.recv(in, Comm.ANY_SOURCE, Comm.ANY_TAG);
                assertThat(s.source()).as("source of %s", s).isEqualTo(in[0]);
                assertThat(s.tag()).as("tag of %s", s).isEqualTo(40 + in[0]);
                assertThat(s.count()).isEqualTo(2);
                assertThat(in[1]).isEqualTo(in[0] * in[0]);
                assertThat(seen.add(s.source())).as("second message from rank %d", s.source()).isTrue();
            }
            assertThat(seen).containsExactlyElementsOf(IntStream.range(0, n).boxed().collect(Collectors.toList()));
            for (int r = 0; r < n; r++) sends.add(w.isend(new int[]{r}, r, 49));
        }
        // Only now may anyone send the root more: its wildcard receives above are for the first messages alone.
        release.await();
        int[] first = {me, 60}, second = {me, 61};
        sends.add(w.isend(first, root, 60));
        sends.add(w.isend(second, root, 61));
        int[][] seq = {{me, 70}, {me, 71}, {me, 72}};
        for (int[] m : seq) sends.add(w.isend(m, root, m[1]));

        if (me == root) {
            for (int tag : new int[]{61, 60}) {
                Set<Integer> seen = new TreeSet<>();
                for (int k = 0; k < n; k++) {
                    Status s = w.recv(in, Comm.ANY_SOURCE, tag);
                    Expect.status(s, in[0], tag, 2, ElementType.INT);
                    assertThat(in[1]).isEqualTo(tag);
                    seen.add(s.source());
                }
                assertThat(seen).as("sources of tag %d", tag).hasSize(n);
            }
            for (int src = 0; src < n; src++) {
                for (int t = 70; t <= 72; t++) {
                    Status s = w.recv(in, src, Comm.ANY_TAG);
                    Expect.status(s, src, t, 2, ElementType.INT);
                    assertThat(in[0]).isEqualTo(src);
                    assertThat(in[1]).isEqualTo(t);
                }
            }
        }
        Request.waitAll(sends);
    }

    /** A message shorter than the receive: the status count is the message's, the rest of the buffer stays. */
    public static void partialReceive(Comm w) {
        int next = next(w), prev = prev(w), me = w.rank();
        float[] out = new float[7];
        Buffers.fill(out, 0, 7, me);
        float[] in = new float[25];
        Buffers.clear(in);
        Status s = Peers.ringStep(w, () -> w.send(out, next, 50), () -> w.recv(in, 3, 20, prev, 50),
                () -> w.isend(out, next, 50));
        Expect.status(s, prev, 50, 7, ElementType.FLOAT);
        assertThat(in).isEqualTo(Buffers.expected(ElementType.FLOAT, 25, 3, 7, prev));

        ByteBuffer bout = ByteBuffer.allocate(3);
        Buffers.fill(bout, 0, 3, me);
        ByteBuffer bin = ByteBuffer.allocateDirect(16);
        Buffers.clear(bin);
        Request r = w.irecv(bin, 0, 16, prev, 51);
        Request q = w.isend(bout, next, 51);
        Status t = r.await();
        q.await();
        Expect.status(t, prev, 51, 3, ElementType.BYTE);
        assertThat(Buffers.snapshot(bin)).isEqualTo(Buffers.expected(ElementType.BYTE, 16, 0, 3, prev));
    }

    /**
     * Zero-length messages are messages: they match, carry source and tag, count 0, leave the
     * receive buffer alone. From an empty array, from the end of an array, from an empty ByteBuffer;
     * blocking and nonblocking; probed.
     */
    public static void zeroLengthMessages(Comm w) {
        int next = next(w), prev = prev(w);
        int[] empty = new int[0];
        int[] five = {1, 2, 3, 4, 5};
        int[] in = new int[3];
        Buffers.clear(in);
        Status s = Peers.ringStep(w, () -> w.send(empty, next, 55), () -> w.recv(in, 0, 3, prev, 55),
                () -> w.isend(empty, next, 55));
        Expect.status(s, prev, 55, 0, ElementType.INT);
        s = Peers.ringStep(w, () -> w.send(five, 5, 0, next, 56), () -> w.recv(new int[0], prev, 56),
                () -> w.isend(five, 5, 0, next, 56));
        Expect.status(s, prev, 56, 0, ElementType.INT);
        assertThat(in).isEqualTo(Buffers.expected(ElementType.INT, 3, 0, 0, prev));

        Request r = w.isend(ByteBuffer.allocateDirect(0), next, 57);
        Status p = w.probe(prev, 57);
        Expect.status(p, prev, 57, 0, ElementType.BYTE);
        ByteBuffer bin = ByteBuffer.allocate(4);
        Request q = w.irecv(bin, 0, 4, prev, 57);
        Expect.status(q.await(), prev, 57, 0, ElementType.BYTE);
        r.await();
        assertThat(Buffers.snapshot(bin)).isEqualTo(new byte[4]);
    }

    private static final int ORDER_MESSAGES = 300, BIG_EVERY = 25, BIG = 4000;

    /**
     * Non-overtaking: many messages from one source with one tag arrive in the order sent, also when
     * some are big (a transport may switch protocols by size, which must not reorder them).
     */
    public static void nonOvertakingSameTag(Comm w) {
        int next = next(w), prev = prev(w), me = w.rank();
        List<Request> sends = new ArrayList<>();
        for (int i = 0; i < ORDER_MESSAGES; i++) {
            long[] m = new long[i % BIG_EVERY == 0 ? BIG : 2];
            m[0] = i;
            m[1] = me;
            sends.add(w.isend(m, next, 90));
        }
        long[] in = new long[BIG];
        for (int i = 0; i < ORDER_MESSAGES; i++) {
            Status s = w.recv(in, prev, 90);
            assertThat(in[0]).as("sequence number of message %d from rank %d", i, prev).isEqualTo(i);
            assertThat(in[1]).isEqualTo(prev);
            assertThat(s.count()).as("length of message %d", i).isEqualTo(i % BIG_EVERY == 0 ? BIG : 2);
        }
        Request.waitAll(sends);
    }

    /**
     * Message lengths in bytes around the limits where transports change how they carry a message:
     * eager limits near 4 KiB, openmpi's 64 KiB heads (65,528 data bytes) and 512 KiB chunks, and
     * past several chunks.
     */
    private static final int[] LIMIT_BYTES = {4088, 4096, 4104, 65_520, 65_528, 65_536, 65_544, 589_816, 589_824, 589_832,
            800_000};

    /**
     * Messages of every length in {@link #LIMIT_BYTES}, of bytes, doubles, booleans and a direct
     * ByteBuffer, each received six ways: blocking (a ring, so some messages come first and some
     * receives), nonblocking posted before the message, after a probe that sizes the receive, by
     * ANY_SOURCE and ANY_TAG, a long message followed by a short one with the same tag, which must
     * not overtake it, and from and into the middle of larger buffers. Every element of every message
     * is checked, and the elements around a received range too.
     */
    public static void lengthsAroundProtocolLimits(Comm w) {
        int next = next(w), prev = prev(w), me = w.rank();
        for (String name : new String[]{"Byte", "Double", "Boolean", "DirectByteBuffer"}) {
            ElementKind k = ElementKind.ALL.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
            for (int bytes : LIMIT_BYTES) {
                int n = bytes / k.type().size();
                String what = n + " " + k.name() + " elements (" + bytes + " bytes) from rank " + prev;
                Object out = k.allocate(n);
                Buffers.fill(out, 0, n, me);
                Object expected = Buffers.expected(k.type(), n, 0, n, prev);

                Object in = k.allocate(n);
                Status s = Peers.ringStep(w, () -> Buffers.send(w, out, 0, n, next, 120),
                        () -> Buffers.recv(w, in, 0, n, prev, 120), () -> Buffers.isend(w, out, 0, n, next, 120));
                Expect.status(s, prev, 120, n, k.type());
                sameElements(in, expected, "blocking, " + what);

                Object posted = k.allocate(n);
                Request r = Buffers.irecv(w, posted, 0, n, prev, 121);
                Request q = Buffers.isend(w, out, 0, n, next, 121);
                Expect.status(r.await(), prev, 121, n, k.type());
                q.await();
                sameElements(posted, expected, "irecv posted first, " + what);

                q = Buffers.isend(w, out, 0, n, next, 122);
                Status p = w.probe(prev, 122);
                assertThat(p.count()).as("probe of %s", what).isEqualTo(n);
                Object sized = k.allocate(p.count());
                Expect.status(Buffers.recv(w, sized, 0, p.count(), prev, 122), prev, 122, n, k.type());
                q.await();
                sameElements(sized, expected, "after a probe, " + what);

                q = Buffers.isend(w, out, 0, n, next, 123);
                Object wild = k.allocate(n);
                Expect.status(Buffers.recv(w, wild, 0, n, Comm.ANY_SOURCE, Comm.ANY_TAG), prev, 123, n, k.type());
                q.await();
                sameElements(wild, expected, "ANY_SOURCE, ANY_TAG, " + what);

                Object small = k.allocate(3);
                Buffers.fill(small, 0, 3, me + 1000);
                Request q1 = Buffers.isend(w, out, 0, n, next, 124);
                Request q2 = Buffers.isend(w, small, 0, 3, next, 124);
                Object first = k.allocate(n), second = k.allocate(n);
                Expect.status(Buffers.recv(w, first, 0, n, prev, 124), prev, 124, n, k.type());
                Expect.status(Buffers.recv(w, second, 0, n, prev, Comm.ANY_TAG), prev, 124, 3, k.type());
                Request.waitAll(List.of(q1, q2));
                sameElements(first, expected, "a long message before a short one, " + what);
                sameElements(second, Buffers.expected(k.type(), n, 0, 3, prev + 1000), "a short message after a long one, " + what);

                // from and into the middle of larger buffers: every path must honour both offsets,
                // and nothing around the received range may change
                Object wideOut = k.allocate(n + 7);
                Buffers.fill(wideOut, 7, n, me);
                Object wideIn = k.allocate(n + 12);
                Buffers.clear(wideIn);
                Request q3 = Buffers.isend(w, wideOut, 7, n, next, 125);
                Expect.status(Buffers.recv(w, wideIn, 5, n, prev, 125), prev, 125, n, k.type());
                q3.await();
                sameElements(wideIn, Buffers.expected(k.type(), n + 12, 5, n, prev), "at offsets 7 (send) and 5 (receive), " + what);
            }
        }
    }

    /**
     * Two threads of each rank start long messages (several of openmpi's chunks) to the next rank with
     * the same tag at once, eight each: every message arrives whole, never mixed with another's
     * parts, and each thread's messages in order.
     */
    public static void concurrentLongSendsStayWhole(Comm w) throws Exception {
        int next = next(w), prev = prev(w), me = w.rank();
        int n = 200_003, each = 8;
        Peers.Helper[] senders = new Peers.Helper[2];
        for (int t = 0; t < 2; t++) {
            int thread = t;
            senders[t] = Peers.later(w, "long-sender-" + t, 0, () -> {
                List<Request> sends = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    double[] m = new double[n];
                    Buffers.fill(m, 0, n, each * (2 * me + thread) + i);
                    sends.add(w.isend(m, next, 125));
                }
                Request.waitAll(sends);
            });
        }
        int[] seen = new int[2];
        double[] in = new double[n];
        for (int k = 0; k < 2 * each; k++) {
            Expect.status(w.recv(in, prev, 125), prev, 125, n, ElementType.DOUBLE);
            int pattern = (int) Math.round(in[0] - 1.125) / 1009;
            int thread = pattern / each - 2 * prev, i = pattern % each;
            assertThat(thread).as("message %d from rank %d: which sending thread (first element %s)", k, prev, in[0])
                    .isBetween(0, 1);
            assertThat(i).as("message %d from rank %d thread %d: its sequence number", k, prev, thread).isEqualTo(seen[thread]);
            seen[thread]++;
            sameElements(in, Buffers.expected(ElementType.DOUBLE, n, 0, n, pattern),
                    "message " + k + " from rank " + prev + " (thread " + thread + ", number " + i + ")");
        }
        for (Peers.Helper h : senders) h.finish("sends of long messages");
    }

    /** Compares two buffers element by element and names the first difference (not the whole arrays). */
    private static void sameElements(Object got, Object want, String what) {
        Object a = Buffers.snapshot(got);
        int i;
        if (a instanceof byte[] x) i = java.util.Arrays.mismatch(x, (byte[]) want);
        else if (a instanceof double[] x) i = java.util.Arrays.mismatch(x, (double[]) want);
        else if (a instanceof boolean[] x) i = java.util.Arrays.mismatch(x, (boolean[]) want);
        else throw new IllegalArgumentException("compare " + a.getClass().getSimpleName() + " here");
        if (i >= 0) {
            int n = java.lang.reflect.Array.getLength(a), m = java.lang.reflect.Array.getLength(want);
            throw new AssertionError(what + ": " + (i >= Math.min(n, m) ? "length " + n + ", expected " + m
                    : "element " + i + " is " + java.lang.reflect.Array.get(a, i) + ", expected "
                    + java.lang.reflect.Array.get(want, i)));
        }
    }

    /**
     * With two tags interleaved, each tag's messages arrive in their own order even when the receiver
     * takes all of one tag first; with ANY_TAG the receiver sees exactly the sending order.
     */
    public static void nonOvertakingPerTag(Comm w) {
        int next = next(w), prev = prev(w);
        int per = 60;
        List<Request> sends = new ArrayList<>();
        for (int i = 0; i < 2 * per; i++) {
            int[] m = {i / 2, i % 2};
            sends.add(w.isend(m, next, 91 + i % 2));
        }
        int[] in = new int[2];
        for (int tag : new int[]{92, 91}) {
            for (int k = 0; k < per; k++) {
                Status s = w.recv(in, prev, tag);
                Expect.status(s, prev, tag, 2, ElementType.INT);
                assertThat(in[0]).as("sequence on tag %d", tag).isEqualTo(k);
            }
        }
        for (int i = 0; i < 2 * per; i++) {
            long[] m = new long[i % 10 == 3 ? BIG : 1];
            m[0] = i;
            sends.add(w.isend(m, next, 93 + i % 3));
        }
        long[] lin = new long[BIG];
        for (int i = 0; i < 2 * per; i++) {
            Status s = w.recv(lin, prev, Comm.ANY_TAG);
            assertThat(lin[0]).as("message %d with ANY_TAG", i).isEqualTo(i);
            assertThat(s.tag()).isEqualTo(93 + i % 3);
        }
        Request.waitAll(sends);
    }

    /**
     * PROC_NULL: sends to it return at once; receives from it complete at once with source
     * PROC_NULL, tag ANY_TAG, count 0 and leave the buffer alone; likewise nonblocking, persistent,
     * sendrecv (the classic shift along a line whose ends have no neighbour), sendrecvReplace, probe.
     */
    public static void procNull(Comm w) {
        int me = w.rank(), n = w.size();
        int[] out = {1, 2, 3};
        int[] in = {-1, -1, -1};
        w.send(out, Comm.PROC_NULL, 80);
        w.ssend(out, Comm.PROC_NULL, 80);
        Expect.procNullStatus(w.recv(in, Comm.PROC_NULL, 80));
        Expect.procNullStatus(w.recv(in, Comm.PROC_NULL, Comm.ANY_TAG));
        assertThat(in).containsExactly(-1, -1, -1);

        Request s = w.isend(out, Comm.PROC_NULL, 80);
        Request r = w.irecv(in, Comm.PROC_NULL, 80);
        Request ss = w.issend(out, Comm.PROC_NULL, 80);
        assertThat(r.test()).as("irecv from PROC_NULL completes at once").isTrue();
        Expect.procNullStatus(r.status());
        s.await();
        ss.await();
        Request r2 = w.irecv(in, Comm.PROC_NULL, 81);
        Request[] reqs = {null, r2};
        assertThat(Request.waitAny(reqs)).as("waitAny over a PROC_NULL receive").isEqualTo(1);
        assertThat(reqs[1]).isNull();
        assertThat(in).containsExactly(-1, -1, -1);

        PersistentRequest ps = w.sendInit(out, Comm.PROC_NULL, 82);
        PersistentRequest pr = w.recvInit(in, Comm.PROC_NULL, 82);
        for (int round = 0; round < 3; round++) {
            Request.startAll(ps, pr);
            Status[] st = Request.waitAll(ps, pr);
            Expect.procNullStatus(st[1]);
        }
        ps.free();
        pr.free();

        Expect.procNullStatus(w.sendrecv(out, Comm.PROC_NULL, 83, in, Comm.PROC_NULL, 83));
        Expect.procNullStatus(w.sendrecvReplace(in, Comm.PROC_NULL, 83, Comm.PROC_NULL, 83));
        assertThat(in).containsExactly(-1, -1, -1);
        Expect.procNullStatus(w.probe(Comm.PROC_NULL, Comm.ANY_TAG));
        Expect.procNullStatus(w.iprobe(Comm.PROC_NULL, 84));

        // Shift right along a line: rank 0 has no left neighbour, the last rank no right one.
        int left = me == 0 ? Comm.PROC_NULL : me - 1;
        int right = me == n - 1 ? Comm.PROC_NULL : me + 1;
        long[] mine = {me * 10L};
        long[] got = {-1};
        Status st = w.sendrecv(mine, right, 85, got, left, 85);
        if (left == Comm.PROC_NULL) {
            Expect.procNullStatus(st);
            assertThat(got).containsExactly(-1);
        } else {
            Expect.status(st, left, 85, 1, ElementType.LONG);
            assertThat(got).containsExactly(left * 10L);
        }
    }
}
