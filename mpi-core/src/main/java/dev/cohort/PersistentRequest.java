package dev.cohort;

/**
 * A request that can be started many times with the same arguments (MPI's persistent requests, from
 * {@code sendInit} / {@code recvInit}). It is created inactive; {@link #start()} starts it, and
 * await / test / the wait helpers complete it and make it inactive again, ready for the next start.
 * Restarting reuses the request: no allocation per round.
 */
public abstract class PersistentRequest extends Request {
    protected PersistentRequest() {
        super(INACTIVE);
    }

    /** Starts the operation. The request must be inactive (new, or completed by await / test). */
    public final void start() {
        int s = state;
        if (s == FREED) throw error("start() on a freed request: " + describe());
        if (s != INACTIVE) throw error("start() on a request that is still active (complete it with await or test first): " + describe());
        rearm();
        state = ACTIVE;
        doStart();
    }

    /** Posts the operation; the request is already ACTIVE. */
    protected abstract void doStart();

    @Override
    protected boolean isPersistent() {
        return true;
    }

    private CohortException error(String msg) {
        Comm c = comm();
        return c == null ? new CohortException(ErrorClass.REQUEST, -1, msg)
                : new CohortException(ErrorClass.REQUEST, c.worldRankOf(c.rank()), "rank " + c.rank() + ": " + msg);
    }
}
