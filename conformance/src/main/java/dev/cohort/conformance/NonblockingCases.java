package dev.cohort.conformance;

import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.ObjectRequest;
import dev.cohort.PersistentRequest;
import dev.cohort.Request;
import dev.cohort.Status;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.cohort.conformance.Peers.next;
import static dev.cohort.conformance.Peers.prev;
import static org.assertj.core.api.Assertions.assertThat;

/** Nonblocking requests: the wait/test helpers and their edge cases, persistent requests, cancel, futures. */
public final class NonblockingCases {
    private NonblockingCases() {
    }

    /**
     * isend / irecv / issend of several types around the ring, completed by one waitAll: receive
     * statuses tell source, tag, count and type; send statuses the destination and tag; every entry
     * of the caller's array is nulled.
     */
    public static void isendIrecvWaitAll(Comm w) {
        int next = next(w), prev = prev(w), me = w.rank();
        int[] iout = new int[6];
        Buffers.fill(iout, 0, 6, me);
        double[] dout = new double[3];
        Buffers.fill(dout, 0, 3, me);
        char[] cout = new char[4];
        Buffers.fill(cout, 0, 4, me);
        int[] iin = new int[8];
        double[] din = new double[3];
        char[] cin = new char[4];
        Request[] reqs = {
                w.irecv(iin, 1, 7, prev, 100),
                w.irecv(din, prev, 101),
                w.irecv(cin, prev, 102),
                w.isend(iout, next, 100),
                w.isend(dout, next, 101),
                w.issend(cout, next, 102)};
        Status[] st = Request.waitAll(reqs);
        assertThat(reqs).as("requests after waitAll").containsOnlyNulls();
        assertThat(st).hasSize(6);
        Expect.status(st[0], prev, 100, 6, ElementType.INT);
        Expect.status(st[1], prev, 101, 3, ElementType.DOUBLE);
        Expect.status(st[2], prev, 102, 4, ElementType.CHAR);
        for (int i = 3; i < 6; i++) {
            assertThat(st[i].source()).as("send status source (the destination)").isEqualTo(next);
            assertThat(st[i].tag()).as("send status tag").isEqualTo(100 + i - 3);
            assertThat(st[i].cancelled()).isFalse();
        }
        int[] expectInts = new int[8];
        Buffers.fill(expectInts, 1, 6, prev);
        assertThat(iin).isEqualTo(expectInts);
        assertThat(din).isEqualTo(Buffers.expected(ElementType.DOUBLE, 3, 0, 3, prev));
        assertThat(cin).isEqualTo(Buffers.expected(ElementType.CHAR, 4, 0, 4, prev));
    }

    /**
     * Large messages around the ring, each rank waiting for its send before its receive: a send that
     * big completes only once the peer's receive takes it, and every peer is itself waiting on a
     * send, so waiting on a send must also let this rank's posted receive take the message coming
     * in (MPI progresses posted receives in every call). On a transport where only a background
     * thread matched them, each round could stall for seconds.
     */
    public static void waitingOnSendsProgressesPostedReceives(Comm w) {
        int next = next(w), prev = prev(w), me = w.rank();
        int n = 300_000;   // 2.4 MB: above every eager limit
        double[] out = new double[n], in = new double[n];
        for (int round = 0; round < 8; round++) {
            Arrays.fill(out, 1000.0 * round + me);
            Arrays.fill(in, -1);
            Request recv = w.irecv(in, prev, 110);
            Request send = w.isend(out, next, 110);
            send.waitFor();
            Status st = recv.await();
            Expect.status(st, prev, 110, n, ElementType.DOUBLE);
            double want = 1000.0 * round + prev;
            assertThat(in[0]).as("round %d, first element", round).isEqualTo(want);
            assertThat(in[n - 1]).as("round %d, last element", round).isEqualTo(want);
            assertThat(Arrays.stream(in).allMatch(v -> v == want)).as("round %d, every element", round).isTrue();
        }
    }

    /**
     * waitAny over receives from every rank (itself too) returns each index exactly once, nulls the
     * entry it returns, and returns UNDEFINED once every entry is null.
     */
    public static void waitAnyDrainsAll(Comm w) {
        int n = w.size(), me = w.rank();
        int[][] in = new int[n][2];
        Request[] recvs = new Request[n];
        for (int r = 0; r < n; r++) recvs[r] = w.irecv(in[r], r, 110);
        Request[] sends = new Request[n];
        for (int r = 0; r < n; r++) sends[r] = w.isend(new int[]{me, r}, r, 110);
        boolean[] seen = new boolean[n];
        for (int k = 0; k < n; k++) {
            int i = Request.waitAny(recvs);
            assertThat(i).as("waitAny result %d", k).isBetween(0, n - 1);
            assertThat(seen[i]).as("index %d returned twice", i).isFalse();
            seen[i] = true;
            assertThat(recvs[i]).as("entry %d after waitAny returned it", i).isNull();
            assertThat(in[i]).containsExactly(i, me);
        }
        assertThat(Request.waitAny(recvs)).as("waitAny once all are done").isEqualTo(Request.UNDEFINED);
        Request.waitAll(sends);
        assertThat(sends).containsOnlyNulls();
    }

    /** waitSome returns every completed index once (nulling them), then an empty array. */
    public static void waitSomeDrainsAll(Comm w) {
        int n = w.size(), me = w.rank();
        long[][] in = new long[n][1];
        Request[] recvs = new Request[n];
        for (int r = 0; r < n; r++) recvs[r] = w.irecv(in[r], r, 111);
        Request[] sends = new Request[n];
        for (int r = 0; r < n; r++) sends[r] = w.isend(new long[]{me * 100L + r}, r, 111);
        boolean[] seen = new boolean[n];
        int done = 0;
        while (done < n) {
            int[] idx = Request.waitSome(recvs);
            assertThat(idx).as("waitSome with %d pending", n - done).isNotEmpty();
            for (int i : idx) {
                assertThat(seen[i]).as("index %d returned twice", i).isFalse();
                seen[i] = true;
                assertThat(recvs[i]).isNull();
                assertThat(in[i]).containsExactly(i * 100L + me);
            }
            done += idx.length;
        }
        assertThat(Request.waitSome(recvs)).as("waitSome once all are done").isEmpty();
        assertThat(Request.testSome(recvs)).as("testSome once all are done").isEmpty();
        Request.waitAll(sends);
    }

    /**
     * While a receive cannot have matched (its sender waits for a handshake), testAny says PENDING,
     * testSome nothing, testAll and test false; once the message is sent, testAny returns its index
     * and nulls it, and then UNDEFINED.
     */
    public static void testAnyPendingThenComplete(Comm w) throws InterruptedException {
        int next = next(w), prev = prev(w), me = w.rank();
        int[] in = new int[1];
        Request r = w.irecv(in, prev, 112);
        Request[] reqs = {null, r, null};
        boolean pendingAny = Request.testAny(reqs) == Request.PENDING;
        boolean noneSome = Request.testSome(reqs).length == 0;
        boolean notAll = !Request.testAll(reqs);
        boolean notOne = !r.test() && !r.isComplete();
        Peers.waitForNext(w, 113);
        Request s = w.isend(new int[]{me}, next, 112);
        long deadline = System.nanoTime() + Expect.PATIENCE.toNanos();
        int i;
        while ((i = Request.testAny(reqs)) == Request.PENDING) {
            assertThat(System.nanoTime() - deadline).as("the receive from rank %d never completed", prev).isNegative();
            Thread.sleep(1);
        }
        s.await();
        assertThat(pendingAny).as("testAny before the message was sent is PENDING").isTrue();
        assertThat(noneSome).as("testSome before the message was sent is empty").isTrue();
        assertThat(notAll).as("testAll before the message was sent is false").isTrue();
        assertThat(notOne).as("test() before the message was sent is false").isTrue();
        assertThat(i).isEqualTo(1);
        assertThat(reqs).containsOnlyNulls();
        assertThat(in).containsExactly(prev);
        assertThat(Request.testAny(reqs)).isEqualTo(Request.UNDEFINED);
    }

    /** testAll consumes nothing until all are complete, then all (nulling them); testSome collects the rest. */
    public static void testAllAndTestSome(Comm w) throws InterruptedException {
        int next = next(w), prev = prev(w), me = w.rank();
        byte[] a = new byte[2], b = new byte[2];
        Request ra = w.irecv(a, prev, 114);
        Request rb = w.irecv(b, prev, 115);
        Request[] reqs = {ra, rb};
        Peers.waitForNext(w, 116);
        Request sa = w.isend(new byte[]{(byte) me, 1}, next, 114);
        // Only tag 114 is sent so far: testAll must stay false and must not consume ra.
        Expect.within(sa, "isend to rank " + next);
        long deadline = System.nanoTime() + Expect.PATIENCE.toNanos();
        while (!ra.test()) {
            assertThat(System.nanoTime() - deadline).as("receive of tag 114 never completed").isNegative();
            Thread.sleep(1);
        }
        boolean allEarly = Request.testAll(reqs);
        Request[] afterTestAll = reqs.clone();
        int[] some = Request.testSome(reqs);
        Peers.waitForNext(w, 117);
        Request sb = w.isend(new byte[]{(byte) me, 2}, next, 115);
        while (!Request.testAll(reqs)) {
            assertThat(System.nanoTime() - deadline).as("testAll never became true").isNegative();
            Thread.sleep(1);
        }
        sb.await();
        assertThat(allEarly).as("testAll with one receive still pending").isFalse();
        assertThat(afterTestAll).as("testAll that returned false consumed nothing").containsExactly(ra, rb);
        assertThat(some).as("testSome when only the first receive is complete").containsExactly(0);
        assertThat(reqs).containsOnlyNulls();
        assertThat(a).containsExactly(prev, 1);
        assertThat(b).containsExactly(prev, 2);
    }

    /**
     * The helpers on empty arrays, all-null arrays, arrays with some nulls, and inactive persistent
     * requests (which count as null and are not nulled): waitAll gives empty statuses, waitAny and
     * testAny UNDEFINED, waitSome and testSome nothing, testAll true.
     */
    public static void waitHelperEdgeCases(Comm w) {
        Request[] empty = {};
        assertThat(Request.waitAll(empty)).isEmpty();
        assertThat(Request.waitAny(empty)).isEqualTo(Request.UNDEFINED);
        assertThat(Request.waitSome(empty)).isEmpty();
        assertThat(Request.testAny(empty)).isEqualTo(Request.UNDEFINED);
        assertThat(Request.testAll(empty)).isTrue();
        assertThat(Request.testSome(empty)).isEmpty();
        assertThat(Request.waitAll(List.of())).isEmpty();

        Request[] nulls = new Request[3];
        Status[] st = Request.waitAll(nulls);
        assertThat(st).hasSize(3);
        for (Status s : st) Expect.procNullStatus(s);
        assertThat(Request.waitAny(nulls)).isEqualTo(Request.UNDEFINED);
        assertThat(Request.waitSome(nulls)).isEmpty();
        assertThat(Request.testAny(nulls)).isEqualTo(Request.UNDEFINED);
        assertThat(Request.testAll(nulls)).isTrue();
        assertThat(Request.testSome(nulls)).isEmpty();

        int me = w.rank();
        int[] in = new int[1];
        Request s1 = w.isend(new int[]{me + 1}, me, 118);
        Request r1 = w.irecv(in, me, 118);
        Request[] some = {null, r1, null, s1, null};
        int first = Request.waitAny(some);
        assertThat(first).isIn(1, 3);
        assertThat(some[first]).isNull();
        int second = Request.waitAny(some);
        assertThat(second).isIn(1, 3).isNotEqualTo(first);
        assertThat(some).containsOnlyNulls();
        assertThat(Request.waitAny(some)).isEqualTo(Request.UNDEFINED);
        assertThat(in).containsExactly(me + 1);

        PersistentRequest idle = w.recvInit(in, me, 119);
        Request[] inactive = {idle, null};
        assertThat(Request.waitAny(inactive)).as("waitAny over an inactive persistent request").isEqualTo(Request.UNDEFINED);
        assertThat(Request.testAny(inactive)).isEqualTo(Request.UNDEFINED);
        assertThat(Request.waitSome(inactive)).isEmpty();
        assertThat(Request.testAll(inactive)).isTrue();
        Status[] ist = Request.waitAll(inactive);
        Expect.procNullStatus(ist[0]);
        assertThat(inactive[0]).as("an inactive persistent request is not nulled").isSameAs(idle);
        Expect.procNullStatus(idle.await());
        assertThat(idle.test()).as("test() of an inactive persistent request").isTrue();
        idle.free();
    }

    /**
     * Persistent requests around the ring, reused for many rounds: startAll, then waitAll (the
     * entries stay), await one by one, or waitAny until UNDEFINED (a completed persistent request is
     * inactive and counts as null). Each round carries new values; statuses are complete.
     */
    public static void persistentRing(Comm w) {
        int next = next(w), prev = prev(w), me = w.rank();
        int[] out = new int[4];
        int[] in = new int[4];
        PersistentRequest send = w.sendInit(out, next, 120);
        PersistentRequest recv = w.recvInit(in, prev, 120);
        long[] sout = new long[2];
        long[] sin = new long[2];
        PersistentRequest ssend = w.ssendInit(sout, 0, 2, next, 121);
        PersistentRequest srecv = w.recvInit(sin, 0, 2, prev, 121);
        assertThat(send.isActive()).as("a new persistent request is inactive").isFalse();
        for (int round = 0; round < 40; round++) {
            Arrays.fill(out, round * 1000 + me);
            sout[0] = round;
            sout[1] = me;
            Request.startAll(recv, send, srecv, ssend);
            assertThat(recv.isActive() || recv.isComplete()).as("started").isTrue();
            Status rs;
            switch (round % 3) {
                case 0: {
                    Request[] reqs = {recv, send, srecv, ssend};
                    Status[] st = Request.waitAll(reqs);
                    assertThat(reqs).as("persistent requests stay in the array").containsExactly(recv, send, srecv, ssend);
                    rs = st[0];
                    Expect.status(st[2], prev, 121, 2, ElementType.LONG);
                    break;
                }
                case 1: {
                    rs = recv.await();
                    send.await();
                    Expect.status(srecv.await(), prev, 121, 2, ElementType.LONG);
                    ssend.await();
                    break;
                }
                default: {
                    // waitAny gives no status, and a persistent request it completed is inactive again.
                    Request[] reqs = {recv, send, srecv, ssend};
                    int completions = 0;
                    while (Request.waitAny(reqs) != Request.UNDEFINED) {
                        completions++;
                        assertThat(completions).as("waitAny completions").isLessThanOrEqualTo(4);
                    }
                    assertThat(completions).isEqualTo(4);
                    assertThat(reqs).as("persistent requests stay in the array").containsExactly(recv, send, srecv, ssend);
                    rs = null;
                }
            }
            if (rs != null) Expect.status(rs, prev, 120, 4, ElementType.INT);
            assertThat(in).as("round %d", round).containsOnly(round * 1000 + prev);
            assertThat(sin).containsExactly(round, prev);
            assertThat(recv.isActive()).as("inactive after completion").isFalse();
        }
        for (PersistentRequest p : new PersistentRequest[]{send, recv, ssend, srecv}) p.free();
    }

    /**
     * The smallest use of a persistent request: start, complete, start again. Each round sends new
     * values to this rank itself.
     */
    public static void persistentRequestRestarts(Comm w) {
        int me = w.rank();
        int[] out = new int[2];
        int[] in = new int[2];
        PersistentRequest send = w.sendInit(out, me, 123);
        PersistentRequest recv = w.recvInit(in, me, 123);
        for (int round = 0; round < 3; round++) {
            out[0] = round;
            out[1] = me;
            Request.startAll(recv, send);
            Status[] st = Request.waitAll(recv, send);
            Expect.status(st[0], me, 123, 2, ElementType.INT);
            assertThat(in).as("round %d", round).containsExactly(round, me);
        }
        send.free();
        recv.free();
    }

    /**
     * After test() returned true for a persistent request, status() gives that completion's status
     * (Request.test's contract: "then status() gives its status"), until the next start; likewise
     * after waitAny / testAny completed it, since they return no status of their own.
     */
    public static void persistentStatusAfterTest(Comm w) throws InterruptedException {
        int next = next(w), prev = prev(w), me = w.rank();
        int[] out = {me, 1, 2};
        int[] in = new int[3];
        PersistentRequest send = w.sendInit(out, next, 122);
        PersistentRequest recv = w.recvInit(in, prev, 122);
        Request.startAll(recv, send);
        long deadline = System.nanoTime() + Expect.PATIENCE.toNanos();
        while (!recv.test()) {
            assertThat(System.nanoTime() - deadline).as("persistent receive never completed").isNegative();
            Thread.sleep(1);
        }
        Status afterTest = recv.status();
        send.await();
        send.free();
        recv.free();
        // Fresh requests (restarting is persistentRequestRestarts' business).
        PersistentRequest send2 = w.sendInit(out, next, 122);
        PersistentRequest recv2 = w.recvInit(in, prev, 122);
        Request.startAll(recv2, send2);
        Request[] reqs = {recv2, send2};
        boolean recvDone = false;
        int i;
        while ((i = Request.waitAny(reqs)) != Request.UNDEFINED) recvDone |= i == 0;
        Status afterWaitAny = recv2.status();
        send2.free();
        recv2.free();
        assertThat(in).containsExactly(prev, 1, 2);
        assertThat(recvDone).isTrue();
        Expect.status(afterTest, prev, 122, 3, ElementType.INT);
        Expect.status(afterWaitAny, prev, 122, 3, ElementType.INT);
    }

    /**
     * issend completes only after the receive matched: it stays incomplete (test() false) while the
     * receiver has not posted its receive, and completes once it has.
     */
    public static void issendCompletesOnlyAfterMatch(Comm w) throws InterruptedException {
        int next = next(w), prev = prev(w), me = w.rank();
        short[] out = {(short) me, 9};
        Request s = w.issend(out, next, 125);
        boolean early = false;
        for (int k = 0; k < 20 && !early; k++) {
            early = s.test();
            Thread.sleep(5);
        }
        Peers.waitForPrev(w, 126);
        short[] in = new short[2];
        Status st = w.recv(in, prev, 125);
        Status ss = Expect.within(s, "issend to rank " + next);
        assertThat(early).as("issend to rank %d completed before rank %d posted a receive", next, next).isFalse();
        Expect.status(st, prev, 125, 2, ElementType.SHORT);
        assertThat(in).containsExactly((short) prev, (short) 9);
        assertThat(ss.source()).isEqualTo(next);
    }

    /**
     * cancel() of a pending irecv returns true; the request completes with a cancelled status and
     * leaves its buffer alone; the message sent afterwards goes to a new receive. cancel() of a
     * completed request returns false and changes nothing. Also for an object receive.
     */
    public static void cancelPendingIrecv(Comm w) {
        int next = next(w), prev = prev(w), me = w.rank();
        int[] lost = {-1, -1, -1};
        Request r = w.irecv(lost, prev, 130);
        ObjectRequest<Object> ro = w.irecvObject(prev, 131);
        boolean cancelled = r.cancel();
        boolean cancelledObject = ro.cancel();
        Status cs = r.await();
        Status cso = ro.await();
        Peers.waitForNext(w, 132);
        Request s = w.isend(new int[]{me, 7, 8}, next, 130);
        Request so = w.isendObject("after cancel from " + me, next, 131);
        int[] in = new int[3];
        Status st = w.recv(in, prev, 130);
        Object obj = w.recvObject(prev, 131);
        Request.waitAll(s, so);

        assertThat(cancelled).as("cancel() of a pending irecv").isTrue();
        assertThat(cs.cancelled()).as("status of a cancelled irecv: %s", cs).isTrue();
        assertThat(r.isComplete()).isTrue();
        assertThat(lost).as("buffer of a cancelled receive").containsExactly(-1, -1, -1);
        assertThat(cancelledObject).as("cancel() of a pending irecvObject").isTrue();
        assertThat(cso.cancelled()).isTrue();
        assertThat(ro.value()).as("value of a cancelled object receive").isNull();
        Expect.status(st, prev, 130, 3, ElementType.INT);
        assertThat(in).containsExactly(prev, 7, 8);
        assertThat(obj).isEqualTo("after cancel from " + prev);

        Request done = w.isend(new int[]{1}, me, 133);
        int[] one = new int[1];
        Request rd = w.irecv(one, me, 133);
        Status ds = rd.await();
        done.await();
        assertThat(rd.cancel()).as("cancel() of a completed receive").isFalse();
        assertThat(rd.status()).isEqualTo(ds);
        assertThat(rd.status().cancelled()).isFalse();
    }

    /**
     * toFuture() completes with the request's status (after the message arrives, not before; on a
     * pool thread); the request may still be awaited. Also for already complete and PROC_NULL requests.
     */
    public static void toFutureCompletesWithStatus(Comm w) throws Exception {
        int next = next(w), prev = prev(w), me = w.rank();
        double[] in = new double[2];
        Request r = w.irecv(in, prev, 140);
        CompletableFuture<Status> f = r.toFuture();
        Thread.sleep(20);
        boolean early = f.isDone();
        Peers.waitForNext(w, 141);
        Request s = w.isend(new double[]{me, 0.5}, next, 140);
        Status fs = f.get(Expect.PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(early).as("the future completed before the message was sent").isFalse();
        Expect.status(fs, prev, 140, 2, ElementType.DOUBLE);
        assertThat(in).containsExactly(prev, 0.5);
        assertThat(r.await()).as("await after the future completed").isEqualTo(fs);
        Status ss = s.await();
        Status late = s.toFuture().get(Expect.PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(late).as("future of a completed send").isEqualTo(ss);
        Status pn = w.irecv(in, Comm.PROC_NULL, 140).toFuture().get(Expect.PATIENCE.toSeconds(), TimeUnit.SECONDS);
        Expect.procNullStatus(pn);
    }

    /**
     * Freeing a send request that has not completed does not cancel the send: the message is still
     * delivered (MPI_Request_free semantics, and Request.free's contract). The receive is posted only
     * after the free, so the send is surely pending when freed; also for a message too big to buffer.
     */
    public static void freeOfPendingSendStillDelivers(Comm w) throws InterruptedException {
        int next = next(w), prev = prev(w), me = w.rank();
        Request s = w.issend(new int[]{me, 11}, next, 145);
        s.free();
        long[] big = new long[20_000];
        Buffers.fill(big, 0, big.length, me);
        Request b = w.isend(big, next, 146);
        b.free();
        Peers.waitForPrev(w, 147);
        int[] in = new int[2];
        long[] bigIn = new long[big.length];
        Request r = w.irecv(in, prev, 145);
        Request rb = w.irecv(bigIn, prev, 146);
        Status st = Expect.within(r, "the message of a freed issend from rank " + prev);
        Status bt = Expect.within(rb, "the message of a freed isend from rank " + prev);
        Expect.status(st, prev, 145, 2, ElementType.INT);
        assertThat(in).containsExactly(prev, 11);
        Expect.status(bt, prev, 146, big.length, ElementType.LONG);
        assertThat(bigIn).isEqualTo(Buffers.expected(ElementType.LONG, big.length, 0, big.length, prev));
    }
}
