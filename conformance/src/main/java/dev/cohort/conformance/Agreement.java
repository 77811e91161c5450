package dev.cohort.conformance;

import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.Request;
import dev.cohort.Status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link ConformanceMain}'s ranks agree after each case, with point-to-point messages only (the
 * suite must not depend on collectives it does not test): every rank tells rank 0 whether its part
 * failed, and rank 0 tells every rank which ranks failed. Waits are bounded, so that a case that
 * left a peer blocked ends the run instead of hanging it. Uses {@link #TAG}, which no case uses.
 */
final class Agreement {
    /** Below MPI's smallest guaranteed tag upper bound (32767); cases use tags below 1000. */
    static final int TAG = 32_000;

    private Agreement() {
    }

    /** Thrown when some rank did not arrive in time. */
    static final class Timeout extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Timeout(String message) {
            super(message);
        }
    }

    /**
     * Reports whether this rank failed and returns, on every rank, a flag per rank telling which
     * failed.
     *
     * @throws Timeout when a rank does not arrive within {@code timeout}
     */
    static boolean[] agree(Comm w, boolean failed, Duration timeout, String what) throws InterruptedException {
        int n = w.size(), me = w.rank();
        long deadline = System.nanoTime() + timeout.toNanos();
        int[] flags = new int[n];
        if (me == 0) {
            flags[0] = failed ? 1 : 0;
            int[][] in = new int[n][1];
            Request[] reqs = new Request[n];
            for (int r = 1; r < n; r++) reqs[r] = w.irecv(in[r], r, TAG);
            if (!waitUntil(reqs, deadline)) {
                List<Integer> missing = new ArrayList<>();
                for (int r = 1; r < n; r++) {
                    if (reqs[r] != null) {
                        missing.add(r);
                        reqs[r].cancel();
                    }
                }
                throw new Timeout("ranks " + missing + " did not finish " + what + " within " + timeout.toSeconds() + " s");
            }
            for (int r = 1; r < n; r++) flags[r] = in[r][0];
            Request[] out = new Request[n];
            for (int r = 1; r < n; r++) out[r] = w.isend(flags, r, TAG);
            Request.waitAll(out);
        } else {
            Request s = w.isend(new int[]{failed ? 1 : 0}, 0, TAG);
            Request[] reqs = {w.irecv(flags, 0, TAG), s};
            if (!waitUntil(reqs, deadline)) {
                if (reqs[0] != null) reqs[0].cancel();
                throw new Timeout("rank 0 did not finish " + what + " within " + timeout.toSeconds() + " s");
            }
        }
        boolean[] out = new boolean[n];
        for (int r = 0; r < n; r++) out[r] = flags[r] != 0;
        return out;
    }

    /** Tests until every request completed (true) or the deadline passed (false). */
    private static boolean waitUntil(Request[] reqs, long deadline) throws InterruptedException {
        int spins = 0;
        while (!Request.testAll(reqs)) {
            if (System.nanoTime() - deadline > 0) return false;
            if (++spins > 100) Thread.sleep(1);
            else Thread.onSpinWait();
        }
        return true;
    }

    /**
     * Receives and drops messages that a failed case left unreceived, from every rank, up to the
     * first agreement message from that rank (which all ranks send only after finishing the case).
     * Returns how many were dropped. Best effort: a transport may still deliver some later.
     */
    static int drain(Comm w) {
        int dropped = 0;
        for (int src = 0; src < w.size(); src++) {
            Status s;
            while ((s = w.iprobe(src, Comm.ANY_TAG)) != null && s.tag() != TAG) {
                if (s.type() == ElementType.OBJECT) {
                    w.irecvObject(src, s.tag()).await();
                } else {
                    Object buf = s.type().newArray(s.count());
                    if (buf instanceof byte[]) w.recv((byte[]) buf, src, s.tag());
                    else if (buf instanceof short[]) w.recv((short[]) buf, src, s.tag());
                    else if (buf instanceof int[]) w.recv((int[]) buf, src, s.tag());
                    else if (buf instanceof long[]) w.recv((long[]) buf, src, s.tag());
                    else if (buf instanceof float[]) w.recv((float[]) buf, src, s.tag());
                    else if (buf instanceof double[]) w.recv((double[]) buf, src, s.tag());
                    else if (buf instanceof char[]) w.recv((char[]) buf, src, s.tag());
                    else w.recv((boolean[]) buf, src, s.tag());
                }
                dropped++;
            }
        }
        return dropped;
    }
}
