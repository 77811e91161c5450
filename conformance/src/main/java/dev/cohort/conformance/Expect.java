package dev.cohort.conformance;

import dev.cohort.CohortException;
import dev.cohort.Comm;
import dev.cohort.ErrorClass;
import dev.cohort.Request;
import dev.cohort.Status;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import java.time.Duration;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Assertions the cases share: errors of the right class and message, and bounded waits. */
final class Expect {
    /** How long a case waits for something that should come at once before it calls it lost. */
    static final Duration PATIENCE = Duration.ofSeconds(10);

    private Expect() {
    }

    /**
     * Runs {@code call}, which must fail with a CohortException of class {@code cls} about this rank
     * whose message names this rank and contains {@code op} (the operation's name).
     */
    static CohortException error(Comm w, ErrorClass cls, String op, ThrowingCallable call) {
        CohortException e = errorClass(w, cls, op, call);
        assertThat(e.getMessage()).as("the message of %s's %s error names rank %d", op, cls, w.rank())
                .containsPattern("\\brank " + w.rank() + "\\b");
        return e;
    }

    /** Like {@link #error} but does not require the message to name the rank. */
    static CohortException errorClass(Comm w, ErrorClass cls, String op, ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).as("%s on rank %d should fail with %s", op, w.rank(), cls).isInstanceOf(CohortException.class);
        CohortException e = (CohortException) t;
        assertThat(e.errorClass()).as("error class of %s on rank %d: %s", op, w.rank(), e.getMessage()).isEqualTo(cls);
        assertThat(e.getMessage()).as("the message of %s's %s error names the operation", op, cls)
                .containsPattern(Pattern.quote(op));
        assertThat(e.rank()).as("CohortException.rank() of %s's %s error", op, cls).isEqualTo(w.worldRankOf(w.rank()));
        return e;
    }

    /**
     * Waits for {@code r} for at most {@link #PATIENCE}, polling with test(); on time-out cancels it
     * and fails with {@code what}. For waits that a bug could turn into a hang.
     */
    static Status within(Request r, String what) throws InterruptedException {
        return within(r, PATIENCE, what);
    }

    /** {@link #within(Request, String)} with a patience of its own. */
    static Status within(Request r, Duration patience, String what) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!r.test()) {
            if (System.nanoTime() - deadline > 0) {
                r.cancel();
                throw new AssertionError(what + ": not complete after " + patience.toSeconds() + " s");
            }
            Thread.sleep(1);
        }
        return r.status();
    }

    /** Asserts a status field by field, so a mismatch says which field. */
    static void status(Status s, int source, int tag, int count, dev.cohort.ElementType type) {
        assertThat(s).as("status").isNotNull();
        assertThat(s.source()).as("status source of %s", s).isEqualTo(source);
        assertThat(s.tag()).as("status tag of %s", s).isEqualTo(tag);
        assertThat(s.count()).as("status count of %s", s).isEqualTo(count);
        assertThat(s.type()).as("status type of %s", s).isEqualTo(type);
        assertThat(s.cancelled()).as("status cancelled of %s", s).isFalse();
    }

    /** Asserts the status of an operation with PROC_NULL: source PROC_NULL, tag ANY_TAG, count 0. */
    static void procNullStatus(Status s) {
        assertThat(s).as("status").isNotNull();
        assertThat(s.source()).as("source of %s", s).isEqualTo(Comm.PROC_NULL);
        assertThat(s.tag()).as("tag of %s", s).isEqualTo(Comm.ANY_TAG);
        assertThat(s.count()).as("count of %s", s).isZero();
        assertThat(s.cancelled()).as("cancelled of %s", s).isFalse();
    }
}
