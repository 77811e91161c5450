package dev.cohort.conformance;

import dev.cohort.Cohort;
import dev.cohort.CohortException;
import dev.cohort.Comm;
import dev.cohort.ErrorClass;
import dev.cohort.Request;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * What only the local transport promises, so not part of the shared suite: deadlock detection, the
 * whole job ending when one rank fails, per-rank results of Cohort.call, and sessions that were
 * closed. Each test is bounded with assertTimeoutPreemptively; none measures speed.
 */
class LocalJobTest {
    /** Detection needs every rank blocked for the deadlock delay (1 s by default); this leaves room for a busy machine. */
    private static final Duration FEW_SECONDS = Duration.ofSeconds(10);

    @Test
    void twoRanksReceivingFromEachOtherAreADeadlock() {
        Throwable t = assertTimeoutPreemptively(FEW_SECONDS, () -> catchThrowable(() -> Cohort.run(2, w -> {
            int other = 1 - w.rank();
            w.recv(new int[1], other, 5);
        })));
        assertThat(t).isInstanceOf(CohortException.class);
        CohortException e = (CohortException) t;
        assertThat(e.errorClass()).isEqualTo(ErrorClass.DEADLOCK);
        assertThat(e.getMessage())
                .contains("rank 0").contains("rank 1")
                .contains("recv(source=1, tag=5").contains("recv(source=0, tag=5");
    }

    @Test
    void aRingWaitingInWaitAllIsADeadlockNamingEveryRank() {
        Throwable t = assertTimeoutPreemptively(FEW_SECONDS, () -> catchThrowable(() -> Cohort.run(3, w -> {
            int prev = (w.rank() + 2) % 3;
            Request r = w.irecv(new long[2], prev, 6);
            Request.waitAll(r, w.irecv(new long[2], prev, 7));
        })));
        assertThat(t).isInstanceOf(CohortException.class);
        assertThat(((CohortException) t).errorClass()).isEqualTo(ErrorClass.DEADLOCK);
        assertThat(t.getMessage()).contains("rank 0").contains("rank 1").contains("rank 2")
                .contains("irecv(source=2, tag=6").contains("irecv(source=1, tag=7");
    }

    @Test
    void aSlowSenderIsNoDeadlock() {
        List<Integer> got = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Cohort.call(3, w -> {
            if (w.rank() == 2) {
                Thread.sleep(2000);
                w.send(new int[]{42}, 0, 8);
                w.send(new int[]{43}, 1, 8);
                return 0;
            }
            int[] in = new int[1];
            w.recv(in, 2, 8);
            return in[0];
        }));
        assertThat(got).containsExactly(42, 43, 0);
    }

    @Test
    void aFailingRankEndsTheJobAndBlockedRanksSeeAborted() {
        AtomicReference<Throwable> rank0Saw = new AtomicReference<>();
        Throwable t = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> catchThrowable(() -> Cohort.run(2, w -> {
            if (w.rank() == 1) {
                Thread.sleep(200);
                throw new IllegalStateException("rank 1 gives up");
            }
            try {
                w.recv(new int[1], 1, 9);
            } catch (Throwable e) {
                rank0Saw.set(e);
                throw e;
            }
        })));
        assertThat(t).isInstanceOf(CohortException.class);
        CohortException e = (CohortException) t;
        assertThat(e.rank()).as("the failed rank").isEqualTo(1);
        assertThat(e.errorClass()).isEqualTo(ErrorClass.FAILED);
        assertThat(e.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("rank 1 gives up");
        assertThat(e.getMessage()).contains("rank 1");
        assertThat(rank0Saw.get()).as("what rank 0's blocked recv threw").isInstanceOf(CohortException.class);
        assertThat(((CohortException) rank0Saw.get()).errorClass()).isEqualTo(ErrorClass.ABORTED);
        assertThat(((CohortException) rank0Saw.get()).rank()).isEqualTo(1);
    }

    @Test
    void aSleepingRankDoesNotHoldUpTheEndOfAFailedJob() {
        AtomicReference<Throwable> sleeperSaw = new AtomicReference<>();
        Throwable t = assertTimeoutPreemptively(FEW_SECONDS, () -> catchThrowable(() -> Cohort.run(3, w -> {
            switch (w.rank()) {
                case 0:
                    w.recv(new int[1], 1, 10);
                    break;
                case 1:
                    Thread.sleep(200);
                    throw new IllegalStateException("rank 1 fails");
                default:
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        sleeperSaw.set(e);
                        throw e;
                    }
            }
        })));
        assertThat(t).isInstanceOf(CohortException.class);
        CohortException e = (CohortException) t;
        assertThat(e.rank()).isEqualTo(1);
        assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
        assertThat(e.getMessage()).as("no rank was left running").doesNotContain("did not stop");
        assertThat(sleeperSaw.get()).as("the sleeping rank was interrupted").isInstanceOf(InterruptedException.class);
    }

    @Test
    void callReturnsEachRanksResultByRank() {
        List<String> got = assertTimeoutPreemptively(FEW_SECONDS, () -> Cohort.call(4, w -> {
            int next = (w.rank() + 1) % 4, prev = (w.rank() + 3) % 4;
            String heard = w.sendrecvObject("hello from " + w.rank(), next, 11, prev, 11);
            return w.rank() + " of " + w.size() + " heard '" + heard + "'";
        }));
        assertThat(got).containsExactly(
                "0 of 4 heard 'hello from 3'",
                "1 of 4 heard 'hello from 0'",
                "2 of 4 heard 'hello from 1'",
                "3 of 4 heard 'hello from 2'");
        assertThat(Cohort.call(1, w -> w.rank() * 10 + w.size())).containsExactly(1);
        assertThat(Cohort.call(2, w -> null)).containsExactly(null, null);
    }

    @Test
    void aJobNeedsAtLeastOneRank() {
        Throwable t = catchThrowable(() -> Cohort.run(0, w -> { }));
        assertThat(t).isInstanceOf(CohortException.class);
        assertThat(((CohortException) t).errorClass()).isEqualTo(ErrorClass.ARG);
    }

    @Test
    void aClosedSessionRefusesEveryOperationWithSession() {
        assertTimeoutPreemptively(FEW_SECONDS, () -> Cohort.run(2, w -> {
            int me = w.rank();
            Cohort session = w.session();
            assertThat(Cohort.init()).as("init inside a rank returns its session").isSameAs(session);
            session.close();
            assertThat(session.isClosed()).isTrue();
            session.close();
            expectSession(me, "send", () -> w.send(new int[1], me, 1));
            expectSession(me, "recv", () -> w.recv(new int[1], me, 1));
            expectSession(me, "isend", () -> w.isend(new int[1], me, 1));
            expectSession(me, "irecv", () -> w.irecv(new int[1], me, 1));
            expectSession(me, "iprobe", () -> w.iprobe(me, 1));
            expectSession(me, "sendObject", () -> w.sendObject("x", me, 1));
            expectSession(me, "irecvObject", () -> w.irecvObject(me, 1));
            expectSession(me, "sendInit", () -> w.sendInit(new int[1], me, 1));
            expectSession(me, "world", session::world);
            expectSession(me, "init", Cohort::init);
        }));
    }

    @Test
    void aCommunicatorUsedAfterItsJobEndedFailsWithSession() {
        AtomicReference<Comm> kept = new AtomicReference<>();
        assertTimeoutPreemptively(FEW_SECONDS, () -> Cohort.run(1, kept::set));
        expectSession(0, "send", () -> kept.get().send(new int[1], 0, 1));
        expectSession(0, "recv", () -> kept.get().recvObject(0, 1));
    }

    private static void expectSession(int rank, String op, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).as("%s after close", op).isInstanceOf(CohortException.class);
        CohortException e = (CohortException) t;
        assertThat(e.errorClass()).as("class of %s after close: %s", op, e.getMessage()).isEqualTo(ErrorClass.SESSION);
        assertThat(e.getMessage()).as("message of %s after close", op).containsPattern("\\brank " + rank + "\\b").contains(op);
    }
}
