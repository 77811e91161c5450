package dev.cohort.local;

/**
 * One rank's matching state: receives posted and not yet matched, and messages that arrived before
 * their receive, each in arrival order (which gives MPI's non-overtaking rule). All fields are guarded
 * by the mailbox's monitor; copying happens outside it.
 */
final class Mailbox {
    private LocalOp postedHead, postedTail;
    /** Incoming fast lanes by source world rank, created on a sender's first use; guarded by the monitor. */
    private final Ring[] ringBySource;
    /** The rings created so far, for pollers (read without the monitor). */
    volatile Ring[] rings = new Ring[0];
    /**
     * Non-zero while some thread of this rank parks, or once a future was asked of this rank's requests:
     * then a sender that used a ring drains it itself, so the receive completes (and wakes its waiter)
     * without the receiving rank polling.
     */
    final PushFlag push = new PushFlag();

    /** The push count alone on its cache line: senders read it on every ring send, the owner rarely writes it. */
    static final class PushFlag {
        long p0, p1, p2, p3, p4, p5, p6;
        volatile int pushers;
        long q0, q1, q2, q3, q4, q5, q6;
    }
    private Message waitingHead, waitingTail;
    private Message free;
    final EagerPool pool = new EagerPool();

    Mailbox(int size) {
        this.ringBySource = new Ring[size];
    }

    /** The ring from {@code source}, created on first use; call under the monitor. */
    Ring ringFrom(int source) {
        Ring r = ringBySource[source];
        if (r == null) {
            r = new Ring(source);
            ringBySource[source] = r;
            Ring[] a = java.util.Arrays.copyOf(rings, rings.length + 1);
            a[a.length - 1] = r;
            rings = a;
        }
        return r;
    }

    /** The ring from {@code source} if one exists; call under the monitor. */
    Ring existingRingFrom(int source) {
        return ringBySource[source];
    }

    /** True when some ring holds a message; needs no monitor (a stale answer is only late). */
    boolean ringsReady() {
        for (Ring r : rings) if (r.ready()) return true;
        return false;
    }

    /** True when receives are posted; call under the monitor. */
    boolean hasPosted() {
        return postedHead != null;
    }

    // ---------------------------------------------------------------- posted receives

    /** Appends a receive that found no message. */
    void post(LocalOp recv) {
        recv.next = null;
        if (postedTail == null) postedHead = recv;
        else postedTail.next = recv;
        postedTail = recv;
    }

    /** Removes and returns the first posted receive that a message with this envelope matches, or null. */
    LocalOp takePosted(int source, int tag, int context) {
        LocalOp prev = null;
        for (LocalOp r = postedHead; r != null; prev = r, r = r.next) {
            if (r.accepts(source, tag, context)) {
                unlinkPosted(prev, r);
                return r;
            }
        }
        return null;
    }

    /** Removes a specific posted receive; false when it is no longer posted (it matched). */
    boolean removePosted(LocalOp recv) {
        LocalOp prev = null;
        for (LocalOp r = postedHead; r != null; prev = r, r = r.next) {
            if (r == recv) {
                unlinkPosted(prev, r);
                return true;
            }
        }
        return false;
    }

    private void unlinkPosted(LocalOp prev, LocalOp r) {
        if (prev == null) postedHead = r.next;
        else prev.next = r.next;
        if (postedTail == r) postedTail = prev;
        r.next = null;
    }

    // ---------------------------------------------------------------- waiting messages

    Message newMessage() {
        Message m = free;
        if (m != null) {
            free = m.next;
            m.next = null;
            return m;
        }
        return new Message();
    }

    void append(Message m) {
        m.next = null;
        if (waitingTail == null) waitingHead = m;
        else waitingTail.next = m;
        waitingTail = m;
    }

    /** The first waiting message a receive with these arguments matches, left in place; or null. */
    Message peek(int source, int tag, int context) {
        for (Message m = waitingHead; m != null; m = m.next) {
            if (m.matches(source, tag, context)) return m;
        }
        return null;
    }

    /** Removes a waiting message; false when it is not there (taken by a receive). */
    boolean remove(Message target) {
        Message prev = null;
        for (Message m = waitingHead; m != null; prev = m, m = m.next) {
            if (m == target) {
                if (prev == null) waitingHead = m.next;
                else prev.next = m.next;
                if (waitingTail == m) waitingTail = prev;
                m.next = null;
                return true;
            }
        }
        return false;
    }

    /** Returns a consumed message (and its eager buffer) to the pools. */
    void recycle(Message m) {
        if (m.pooled) pool.give(m.type, m.data);
        m.clear();
        m.next = free;
        free = m;
    }
}
