package dev.cohort.conformance;

import dev.cohort.CohortException;
import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.ErrorClass;
import dev.cohort.ObjectRequest;
import dev.cohort.PersistentRequest;
import dev.cohort.Request;
import dev.cohort.Status;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.cohort.conformance.Peers.next;
import static dev.cohort.conformance.Peers.prev;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Errors: each has the right class, names the rank and the operation, and leaves the communicator
 * usable. A receive that fails (TRUNCATE, TYPE) does not consume the message. Calls that fail an
 * argument check send nothing: each case ends by passing a marker around the ring on the tag the
 * bad calls used, which must be the first message there.
 */
public final class ErrorCases {
    private ErrorCases() {
    }

    /** Passes a marker to the next rank on {@code tag} and checks that it is the first message from the previous one there. */
    static void assertNothingWasSent(Comm w, int tag) {
        int[] marker = {-4242, w.rank()};
        Request s = w.isend(marker, next(w), tag);
        int[] in = new int[2];
        Status st = w.recv(in, prev(w), tag);
        s.await();
        assertThat(in).as("first message on tag %d from rank %d after only failed sends", tag, prev(w))
                .containsExactly(-4242, prev(w));
        Expect.status(st, prev(w), tag, 2, ElementType.INT);
    }

    /**
     * TRUNCATE when the receive buffer is too small, whether the message came first (blocking recv),
     * the receive was posted first (irecv, and its future), or the message is big; the message is
     * not consumed: a big enough receive gets it afterwards.
     */
    public static void truncateDoesNotConsume(Comm w) throws Exception {
        int next = next(w), prev = prev(w), me = w.rank();
        int[] ten = new int[10];
        Buffers.fill(ten, 0, 10, me);
        Request s1 = w.isend(ten, next, 300);
        w.probe(prev, 300);
        int[] small = new int[5];
        Buffers.clear(small);
        CohortException e = Expect.error(w, ErrorClass.TRUNCATE, "recv", () -> w.recv(small, prev, 300));
        assertThat(e.getMessage()).as("TRUNCATE message names the sizes").contains("10").contains("5");
        assertThat(small).as("a receive that failed wrote nothing").isEqualTo(Buffers.expected(ElementType.INT, 5, 0, 0, prev));
        Status p = w.iprobe(prev, 300);
        assertThat(p).as("the message is still there after TRUNCATE").isNotNull();
        assertThat(p.count()).isEqualTo(10);
        int[] fits = new int[10];
        Expect.status(w.recv(fits, prev, 300), prev, 300, 10, ElementType.INT);
        assertThat(fits).isEqualTo(Buffers.expected(ElementType.INT, 10, 0, 10, prev));
        s1.await();

        Request early = w.irecv(new int[5], 0, 5, prev, 301);
        CompletableFuture<Status> future = early.toFuture();
        Peers.waitForNext(w, 302);
        Request s2 = w.isend(ten, next, 301);
        Throwable fe = catchThrowable(() -> future.get(Expect.PATIENCE.toSeconds(), TimeUnit.SECONDS));
        Expect.error(w, ErrorClass.TRUNCATE, "recv", early::await);
        assertThat(fe).as("the future of a truncated irecv").isInstanceOf(ExecutionException.class);
        assertThat(fe.getCause()).isInstanceOf(CohortException.class);
        assertThat(((CohortException) fe.getCause()).errorClass()).isEqualTo(ErrorClass.TRUNCATE);
        int[] later = new int[12];
        Expect.status(w.recv(later, prev, 301), prev, 301, 10, ElementType.INT);
        s2.await();

        long[] big = new long[20_000];
        Buffers.fill(big, 0, big.length, me);
        Request s3 = w.isend(big, next, 303);
        Expect.error(w, ErrorClass.TRUNCATE, "recv", () -> w.recv(new long[100], prev, 303));
        long[] bigIn = new long[big.length];
        Expect.status(w.recv(bigIn, prev, 303), prev, 303, big.length, ElementType.LONG);
        assertThat(bigIn).isEqualTo(Buffers.expected(ElementType.LONG, big.length, 0, big.length, prev));
        s3.await();
    }

    /**
     * The same rules when the blocking receive is already waiting as the message arrives (it is sent
     * from a helper thread a moment later): TRUNCATE for a short message and for a long one
     * (64 KiB) that do not fit, TYPE for one of another element type. Each message stays, and a
     * receive that fits gets it with its data.
     */
    public static void lateMismatchDoesNotConsume(Comm w) throws Exception {
        int next = next(w), prev = prev(w), me = w.rank();
        int[] ten = new int[10];
        Buffers.fill(ten, 0, 10, me);
        Peers.Helper h = Peers.later(w, "late-short", 30, () -> w.send(ten, next, 330));
        int[] small = new int[5];
        Buffers.clear(small);
        CohortException e = Expect.error(w, ErrorClass.TRUNCATE, "recv", () -> w.recv(small, prev, 330));
        assertThat(e.getMessage()).as("TRUNCATE message names the sizes").contains("10").contains("5");
        assertThat(small).as("a receive that failed wrote nothing").isEqualTo(Buffers.expected(ElementType.INT, 5, 0, 0, prev));
        int[] fits = new int[10];
        Expect.status(w.recv(fits, prev, 330), prev, 330, 10, ElementType.INT);
        assertThat(fits).isEqualTo(Buffers.expected(ElementType.INT, 10, 0, 10, prev));
        h.finish("send of 10 ints");

        long[] big = new long[8192];
        Buffers.fill(big, 0, big.length, me);
        h = Peers.later(w, "late-long", 30, () -> w.send(big, next, 331));
        Expect.error(w, ErrorClass.TRUNCATE, "recv", () -> w.recv(new long[4], prev, 331));
        long[] bigIn = new long[big.length];
        Expect.status(w.recv(bigIn, prev, 331), prev, 331, big.length, ElementType.LONG);
        assertThat(bigIn).isEqualTo(Buffers.expected(ElementType.LONG, big.length, 0, big.length, prev));
        h.finish("send of 8192 longs");

        h = Peers.later(w, "late-type", 30, () -> w.send(new int[]{me, 1, 2, 3}, next, 332));
        Expect.error(w, ErrorClass.TYPE, "recv", () -> w.recv(new double[4], prev, 332));
        int[] in = new int[4];
        Expect.status(w.recv(in, prev, 332), prev, 332, 4, ElementType.INT);
        assertThat(in).containsExactly(prev, 1, 2, 3);
        h.finish("send of 4 ints");
    }

    /**
     * TYPE when the receive's element type differs from the message's: an int message into double[]
     * or long[] or recvObject, an object message into int[]; the message stays for a receive of
     * the right type.
     */
    public static void typeMismatchDoesNotConsume(Comm w) {
        int next = next(w), prev = prev(w), me = w.rank();
        Request s = w.isend(new int[]{me, 1, 2, 3}, next, 310);
        w.probe(prev, 310);
        Expect.error(w, ErrorClass.TYPE, "recv", () -> w.recv(new double[4], prev, 310));
        Expect.error(w, ErrorClass.TYPE, "recv", () -> w.recv(new long[8], prev, 310));
        Expect.error(w, ErrorClass.TYPE, "recv", () -> w.irecv(new float[4], prev, 310).await());
        Expect.error(w, ErrorClass.TYPE, "recvObject", () -> w.recvObject(prev, 310));
        int[] in = new int[4];
        Expect.status(w.recv(in, prev, 310), prev, 310, 4, ElementType.INT);
        assertThat(in).containsExactly(prev, 1, 2, 3);
        s.await();

        Request so = w.isendObject("an object from " + me, next, 311);
        w.probe(prev, 311);
        Expect.error(w, ErrorClass.TYPE, "recv", () -> w.recv(new byte[1000], prev, 311));
        assertThat((String) w.recvObject(prev, 311)).isEqualTo("an object from " + prev);
        so.await();
    }

    /** RANK for a destination or source outside the communicator (and ANY_SOURCE as a destination). */
    public static void rankErrors(Comm w) {
        int n = w.size(), tag = 320;
        int[] buf = {1};
        Expect.error(w, ErrorClass.RANK, "send", () -> w.send(buf, n, tag));
        Expect.error(w, ErrorClass.RANK, "send", () -> w.send(buf, -5, tag));
        Expect.error(w, ErrorClass.RANK, "send", () -> w.send(buf, Comm.ANY_SOURCE, tag));
        Expect.error(w, ErrorClass.RANK, "ssend", () -> w.ssend(buf, n + 3, tag));
        Expect.error(w, ErrorClass.RANK, "isend", () -> w.isend(buf, n, tag));
        Expect.error(w, ErrorClass.RANK, "issend", () -> w.issend(buf, n, tag));
        Expect.error(w, ErrorClass.RANK, "sendInit", () -> w.sendInit(buf, n, tag));
        Expect.error(w, ErrorClass.RANK, "sendObject", () -> w.sendObject("x", n, tag));
        Expect.error(w, ErrorClass.RANK, "isendObject", () -> w.isendObject("x", -7, tag));
        Expect.error(w, ErrorClass.RANK, "recv", () -> w.recv(buf, n, tag));
        Expect.error(w, ErrorClass.RANK, "recv", () -> w.recv(buf, -7, tag));
        Expect.error(w, ErrorClass.RANK, "irecv", () -> w.irecv(buf, n, tag));
        Expect.error(w, ErrorClass.RANK, "recvInit", () -> w.recvInit(buf, n, tag));
        Expect.error(w, ErrorClass.RANK, "irecvObject", () -> w.irecvObject(n, tag));
        Expect.error(w, ErrorClass.RANK, "probe", () -> w.probe(n, tag));
        Expect.error(w, ErrorClass.RANK, "iprobe", () -> w.iprobe(-9, tag));
        Expect.error(w, ErrorClass.RANK, "send", () -> w.sendrecv(buf, n, tag, new int[1], next(w), tag));
        assertNothingWasSent(w, tag);
    }

    /** TAG for negative tags (ANY_TAG is only for receives) and tags above the upper bound. */
    public static void tagErrors(Comm w) {
        int next = next(w), prev = prev(w);
        int[] buf = {1};
        Expect.error(w, ErrorClass.TAG, "send", () -> w.send(buf, next, -5));
        Expect.error(w, ErrorClass.TAG, "send", () -> w.send(buf, next, Comm.ANY_TAG));
        Expect.error(w, ErrorClass.TAG, "isend", () -> w.isend(buf, next, -1));
        Expect.error(w, ErrorClass.TAG, "ssend", () -> w.ssend(buf, next, -2));
        Expect.error(w, ErrorClass.TAG, "sendObject", () -> w.sendObject("x", next, -3));
        Expect.error(w, ErrorClass.TAG, "sendInit", () -> w.sendInit(buf, next, -3));
        Expect.error(w, ErrorClass.TAG, "recv", () -> w.recv(buf, prev, -5));
        Expect.error(w, ErrorClass.TAG, "irecv", () -> w.irecv(buf, prev, -6));
        Expect.error(w, ErrorClass.TAG, "irecvObject", () -> w.irecvObject(prev, -6));
        Expect.error(w, ErrorClass.TAG, "probe", () -> w.probe(prev, -4));
        Expect.error(w, ErrorClass.TAG, "iprobe", () -> w.iprobe(prev, -4));
        int ub = w.tagUpperBound();
        assertThat(ub).as("tag upper bound (MPI guarantees at least 32767)").isGreaterThanOrEqualTo(32767);
        if (ub < Integer.MAX_VALUE) {
            Expect.error(w, ErrorClass.TAG, "send", () -> w.send(buf, next, ub + 1));
            Expect.error(w, ErrorClass.TAG, "recv", () -> w.recv(buf, prev, ub + 1));
        }
        assertNothingWasSent(w, 321);
    }

    /** COUNT for a negative count, on every kind of call. */
    public static void countErrors(Comm w) {
        int next = next(w), prev = prev(w), tag = 330;
        int[] buf = new int[4];
        Expect.error(w, ErrorClass.COUNT, "send", () -> w.send(buf, 0, -1, next, tag));
        Expect.error(w, ErrorClass.COUNT, "ssend", () -> w.ssend(buf, 0, -1, next, tag));
        Expect.error(w, ErrorClass.COUNT, "isend", () -> w.isend(buf, 1, -3, next, tag));
        Expect.error(w, ErrorClass.COUNT, "sendInit", () -> w.sendInit(buf, 0, -1, next, tag));
        Expect.error(w, ErrorClass.COUNT, "recv", () -> w.recv(buf, 0, -1, prev, tag));
        Expect.error(w, ErrorClass.COUNT, "irecv", () -> w.irecv(buf, 0, -2, prev, tag));
        Expect.error(w, ErrorClass.COUNT, "recvInit", () -> w.recvInit(buf, 0, -1, prev, tag));
        Expect.error(w, ErrorClass.COUNT, "recv", () -> w.sendrecv(buf, 0, 1, next, tag, new int[2], 0, -1, prev, tag));
        Expect.error(w, ErrorClass.COUNT, "send", () -> w.send(ByteBuffer.allocateDirect(4), 0, -1, next, tag));
        assertNothingWasSent(w, tag);
    }

    /**
     * BUFFER for a null buffer, for offset + count beyond the buffer, for a negative offset, and for
     * receiving into a read-only ByteBuffer.
     */
    public static void bufferErrors(Comm w) {
        int next = next(w), prev = prev(w), tag = 335;
        int[] four = new int[4];
        Expect.error(w, ErrorClass.BUFFER, "send", () -> w.send((int[]) null, 0, 1, next, tag));
        Expect.error(w, ErrorClass.BUFFER, "send", () -> w.send((double[]) null, next, tag));
        Expect.error(w, ErrorClass.BUFFER, "recv", () -> w.recv((long[]) null, 0, 1, prev, tag));
        Expect.error(w, ErrorClass.BUFFER, "isend", () -> w.isend((ByteBuffer) null, 0, 0, next, tag));
        Expect.error(w, ErrorClass.BUFFER, "irecv", () -> w.irecv((char[]) null, prev, tag));
        Expect.error(w, ErrorClass.BUFFER, "send", () -> w.send(four, 2, 3, next, tag));
        Expect.error(w, ErrorClass.BUFFER, "send", () -> w.send(four, 5, 0, next, tag));
        Expect.error(w, ErrorClass.BUFFER, "send", () -> w.send(four, -1, 2, next, tag));
        Expect.error(w, ErrorClass.BUFFER, "recv", () -> w.recv(four, 1, 4, prev, tag));
        Expect.error(w, ErrorClass.BUFFER, "isend", () -> w.isend(four, 0, 5, next, tag));
        Expect.error(w, ErrorClass.BUFFER, "irecv", () -> w.irecv(four, 4, 1, prev, tag));
        Expect.error(w, ErrorClass.BUFFER, "sendInit", () -> w.sendInit(four, 3, 2, next, tag));
        Expect.error(w, ErrorClass.BUFFER, "send", () -> w.send(four, Integer.MAX_VALUE, 2, next, tag));
        Expect.error(w, ErrorClass.BUFFER, "send", () -> w.send(ByteBuffer.allocateDirect(8), 4, 5, next, tag));
        Expect.error(w, ErrorClass.BUFFER, "recv", () -> w.recv(ByteBuffer.allocate(8).asReadOnlyBuffer(), 0, 8, prev, tag));
        Expect.error(w, ErrorClass.BUFFER, "sendrecvReplace", () -> w.sendrecvReplace(four, 2, 3, next, tag, prev, tag));
        assertNothingWasSent(w, tag);
    }

    /**
     * REQUEST for any use of a freed request (await, test, status, cancel, free, toFuture, and in
     * every helper), for starting an active persistent request or a freed one, and for status()
     * before completion. Freeing a pending receive cancels it: the message goes to a later receive.
     */
    public static void requestErrors(Comm w) {
        int next = next(w), prev = prev(w), me = w.rank();
        Request r = w.irecv(new int[1], prev, 340);
        r.free();
        Expect.errorClass(w, ErrorClass.REQUEST, "await", r::await);
        Expect.errorClass(w, ErrorClass.REQUEST, "test", r::test);
        Expect.errorClass(w, ErrorClass.REQUEST, "status", r::status);
        Expect.errorClass(w, ErrorClass.REQUEST, "cancel", r::cancel);
        Expect.errorClass(w, ErrorClass.REQUEST, "free", r::free);
        Expect.errorClass(w, ErrorClass.REQUEST, "toFuture", r::toFuture);
        Expect.errorClass(w, ErrorClass.REQUEST, "freed", () -> Request.waitAll(r));
        Expect.errorClass(w, ErrorClass.REQUEST, "freed", () -> Request.waitAny(null, r));
        Expect.errorClass(w, ErrorClass.REQUEST, "freed", () -> Request.waitSome(r));
        Expect.errorClass(w, ErrorClass.REQUEST, "freed", () -> Request.testAny(r));
        Expect.errorClass(w, ErrorClass.REQUEST, "freed", () -> Request.testSome(r));
        Expect.errorClass(w, ErrorClass.REQUEST, "freed", () -> Request.testAll(r));
        Peers.waitForNext(w, 341);
        Request s = w.isend(new int[]{me}, next, 340);
        int[] in = new int[1];
        Expect.status(w.recv(in, prev, 340), prev, 340, 1, ElementType.INT);
        assertThat(in).as("the message a freed receive would have taken").containsExactly(prev);
        s.await();

        int[] pin = new int[1];
        PersistentRequest p = w.recvInit(pin, me, 342);
        p.start();
        Expect.errorClass(w, ErrorClass.REQUEST, "start", p::start);
        Expect.errorClass(w, ErrorClass.REQUEST, "status", p::status);
        Request self = w.isend(new int[]{me + 1}, me, 342);
        Expect.status(p.await(), me, 342, 1, ElementType.INT);
        self.await();
        p.free();
        Expect.errorClass(w, ErrorClass.REQUEST, "start", p::start);
        Expect.errorClass(w, ErrorClass.REQUEST, "freed", () -> Request.startAll(p));

        ObjectRequest<Object> o = w.irecvObject(me, 343);
        o.free();
        Expect.errorClass(w, ErrorClass.REQUEST, "freed", o::get);
        Expect.errorClass(w, ErrorClass.REQUEST, "freed", o::value);
    }

    /** REQUEST errors name the rank in their message, as every Cohort error should (DESIGN: "the rank, the operation"). */
    public static void requestErrorMessagesNameTheRank(Comm w) {
        Request r = w.irecv(new int[1], prev(w), 345);
        r.free();
        Expect.error(w, ErrorClass.REQUEST, "await", r::await);
        PersistentRequest p = w.recvInit(new int[1], prev(w), 345);
        p.free();
        Expect.error(w, ErrorClass.REQUEST, "start", p::start);
        Request q = w.irecv(new int[1], w.rank(), 346);
        Expect.error(w, ErrorClass.REQUEST, "status", q::status);
        q.free();
    }

    /** COMM for freeing the world communicator. */
    public static void worldCannotBeFreed(Comm w) {
        Expect.error(w, ErrorClass.COMM, "free", w::free);
        assertThat(w.isFreed()).isFalse();
        assertNothingWasSent(w, 347);
    }

    /**
     * CODEC when an object's class is not allowed by the session's codec policy (the suite allows
     * only its shapes package), raised by the sender before anything is sent.
     */
    public static void codecRefusesUnlistedClass(Comm w) {
        int me = w.rank();
        Throwable t = catchThrowable(() -> w.sendObject(new Unlisted(me), me, 350));
        if (t == null) {
            // It was sent after all: take it back out so that nothing is left behind, then fail.
            w.recvObject(me, 350);
        }
        java.util.ArrayList<Object> holder = new java.util.ArrayList<>();
        holder.add(new Unlisted(me));
        Throwable u = catchThrowable(() -> w.isendObject(holder, me, 351).await());
        if (u == null) w.recvObject(me, 351);
        assertThat(t).as("sendObject of a class outside the codec policy").isInstanceOf(CohortException.class);
        assertThat(((CohortException) t).errorClass()).isEqualTo(ErrorClass.CODEC);
        assertThat(t.getMessage()).contains("sendObject").containsPattern("\\brank " + me + "\\b").contains(Unlisted.class.getName());
        assertThat(u).as("isendObject of a list holding a class outside the codec policy").isInstanceOf(CohortException.class);
        assertThat(((CohortException) u).errorClass()).isEqualTo(ErrorClass.CODEC);
        assertNothingWasSent(w, 352);
    }
}
