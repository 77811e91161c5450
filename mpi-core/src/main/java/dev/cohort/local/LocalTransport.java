package dev.cohort.local;

import dev.cohort.Cohort;
import dev.cohort.CohortException;
import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.ErrorClass;
import dev.cohort.PersistentRequest;
import dev.cohort.Request;
import dev.cohort.Status;
import dev.cohort.spi.Copier;
import dev.cohort.spi.ProgressEngine;
import dev.cohort.spi.Spinning;
import dev.cohort.spi.Transport;

/**
 * One rank of a {@link LocalUniverse}.
 *
 * <p>Small messages sent by a rank's own thread go through a {@link Ring} to the destination, without
 * a lock: the receiving rank takes them from there when it receives, probes or polls while it waits.
 * Everything else goes through the destination's {@link Mailbox} under its monitor: a send matches
 * the posted receives and copies straight into the receive buffer; otherwise it leaves a message (an
 * eager copy when small, else a reference to its own buffer, and then waits: rendezvous). A receive
 * takes the first matching waiting message or posts itself.
 *
 * <p>Order (MPI's non-overtaking rule) holds because, for each source, the mailbox's waiting messages
 * are always older than that source's ring: a sender drains its ring into the mailbox before it uses
 * the mailbox, and whoever drains a ring matches its messages against posted receives in posting
 * order first. When the receiving side cannot poll (a thread of it parks, or a future was asked for),
 * the mailbox's push flag makes a sender that used the ring drain it at once, which completes the
 * receive and wakes its waiter as the mailbox path does.
 */
final class LocalTransport implements Transport, ProgressEngine {
    private final LocalUniverse universe;
    private final int rank;
    private final Mailbox box;
    /** The thread running this rank's body; its blocking calls reuse two ops instead of allocating. */
    volatile Thread rankThread;
    private LocalOp blockingSend, blockingRecv;
    /** The rings this rank fills, by destination (used by the rank's thread only). */
    private final Ring[] outgoing;
    /**
     * The destinations' push flags, beside their rings: a ring send reads the flag and nothing else of
     * the destination's mailbox, whose line the receiver writes on every receive (its monitor, its
     * queues); reading the flag through it cost a cache miss per small send.
     */
    private final Mailbox.PushFlag[] outgoingPush;
    /** More ranks in this JVM than cores: waiters yield at once instead of spinning. */
    private final boolean oversubscribed;
    /** Set once a future was asked of one of this rank's requests: the mailbox's push flag then stays on. */
    private boolean futures;

    LocalTransport(LocalUniverse universe, int rank) {
        this.universe = universe;
        this.rank = rank;
        this.box = universe.box(rank);
        this.outgoing = new Ring[universe.size];
        this.outgoingPush = new Mailbox.PushFlag[universe.size];
        this.oversubscribed = Spinning.oversubscribed(universe.size);
    }

    @Override
    public boolean oversubscribed() {
        return oversubscribed;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return universe.size;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public boolean sharesHeap() {
        return true;
    }

    @Override
    public int tagUpperBound() {
        return Integer.MAX_VALUE;
    }

    @Override
    public String processorName() {
        return Cohort.hostName();
    }

    // ---------------------------------------------------------------- requests

    @Override
    public Request isend(Comm comm, Object buf, ElementType type, int offset, int count, int dest, int tag, int context,
                         boolean sync) {
        LocalOp op = new LocalOp(this, false).arm(comm, sync ? "issend" : "isend", true, sync, buf, type, offset, count,
                dest, tag, context);
        startSend(op);
        return op;
    }

    @Override
    public Request irecv(Comm comm, Object buf, ElementType type, int offset, int count, int source, int tag,
                         int context) {
        LocalOp op = new LocalOp(this, false).arm(comm, buf == null ? "irecvObject" : "irecv", false, false, buf, type,
                offset, count, source, tag, context);
        startRecv(op);
        return op;
    }

    @Override
    public PersistentRequest sendInit(Comm comm, Object buf, ElementType type, int offset, int count, int dest, int tag,
                                      int context, boolean sync) {
        return new LocalOp(this, true).arm(comm, sync ? "ssendInit" : "sendInit", true, sync, buf, type, offset, count,
                dest, tag, context);
    }

    @Override
    public PersistentRequest recvInit(Comm comm, Object buf, ElementType type, int offset, int count, int source,
                                      int tag, int context) {
        return new LocalOp(this, true).arm(comm, "recvInit", false, false, buf, type, offset, count, source, tag,
                context);
    }

    @Override
    public void send(Comm comm, Object buf, ElementType type, int offset, int count, int dest, int tag, int context,
                     boolean sync) {
        boolean mine = Thread.currentThread() == rankThread;
        if (!sync && mine) {
            checkAlive();
            Mailbox to = universe.box(dest);
            if (tryRing(to, buf, type, offset, count, dest, tag, context)) return;   // no request needed
        }
        LocalOp op = mine && blockingSend != null ? blockingSend : new LocalOp(this, false);
        op.arm(comm, sync ? "ssend" : type == ElementType.OBJECT ? "sendObject" : "send", true, sync, buf, type, offset,
                count, dest, tag, context);
        startSend(op);
        try {
            op.waitFor();
            if (mine) blockingSend = op;
        } catch (CohortException e) {
            abandon(op, mine, true);
            throw e;
        }
    }

    @Override
    public Status recv(Comm comm, Object buf, ElementType type, int offset, int count, int source, int tag,
                       int context) {
        return finishBlocking(startBlockingRecv(comm, "recv", buf, type, offset, count, source, tag, context));
    }

    @Override
    public Request recvObject(Comm comm, int source, int tag, int context) {
        LocalOp op = startBlockingRecv(comm, "recvObject", null, ElementType.OBJECT, 0, 0, source, tag, context);
        finishBlocking(op);
        return op;
    }

    /** Starts a blocking receive on the rank's reusable op (a new one off the rank's thread). */
    private LocalOp startBlockingRecv(Comm comm, String name, Object buf, ElementType type, int offset, int count,
                                     int source, int tag, int context) {
        LocalOp op = Thread.currentThread() == rankThread && blockingRecv != null ? blockingRecv : new LocalOp(this, false);
        op.arm(comm, name, false, false, buf, type, offset, count, source, tag, context);
        startRecv(op);
        return op;
    }

    /** Waits for a blocking receive; keeps its op for reuse only if it ended cleanly (not left in a queue). */
    private Status finishBlocking(LocalOp op) {
        boolean mine = Thread.currentThread() == rankThread;
        try {
            Status s = op.await();
            if (mine) blockingRecv = op;
            return s;
        } catch (CohortException e) {
            abandon(op, mine, false);
            throw e;
        }
    }

    /** After a failed blocking wait: withdraw the op if it is still queued; never reuse one that is not complete. */
    private void abandon(LocalOp op, boolean mine, boolean send) {
        if (!op.isComplete()) op.cancel();
        if (mine && op.isComplete()) {
            if (send) blockingSend = op;
            else blockingRecv = op;
        }
    }

    // ---------------------------------------------------------------- matching

    /** Starts a send: through the ring when it can, else deliver to a posted receive or leave a message. */
    void startSend(LocalOp op) {
        checkAlive();
        Mailbox dest = universe.box(op.peer);
        if (!op.sync && tryRing(dest, op.buf, op.type, op.offset, op.count, op.peer, op.tag, op.context)) {
            op.completeSend();
            return;
        }
        LocalOp recv;
        LocalOp refused = null;   // receives this message does not fit: failed outside the lock
        boolean waits = false;
        synchronized (dest) {
            Ring mine = dest.existingRingFrom(rank);
            if (mine != null) drainLocked(dest, mine);   // what went ahead through the ring is older
            while (true) {
                recv = dest.takePosted(rank, op.tag, op.context);
                if (recv == null) break;
                CohortException e = mismatch(op.type, op.count, rank, op.tag, recv);
                if (e == null) break;
                recv.pendingError = e;
                recv.next = refused;
                refused = recv;
            }
            if (recv == null) waits = leaveMessage(dest, op);
        }
        while (refused != null) {
            LocalOp n = refused.next;
            refused.next = null;
            refused.fail(refused.pendingError);
            refused.pendingError = null;
            refused = n;
        }
        if (recv != null) {
            deliver(op.buf, op.offset, op.count, op.type, rank, op.tag, recv);
            op.completeSend();
        } else if (!waits) {
            op.completeSend();
        }
    }

    /**
     * Sends a small message (or an object message's encoding) through this rank's ring to {@code dest};
     * false when it must take the mailbox path: another thread than the rank's, too large, the ring
     * full, or the destination asking for pushes.
     */
    private boolean tryRing(Mailbox dest, Object buf, ElementType type, int offset, int count, int peer, int tag,
                            int context) {
        if (type != ElementType.OBJECT && (long) count * type.size() > Ring.MAX_BYTES) return false;
        if (Thread.currentThread() != rankThread) return false;
        Mailbox.PushFlag push = outgoingPush[peer];
        if (push == null) outgoingPush[peer] = push = dest.push;
        if (push.pushers != 0) return false;
        Ring r = outgoing[peer];
        if (r == null) {
            synchronized (dest) {
                r = dest.ringFrom(rank);
            }
            outgoing[peer] = r;
        }
        if (!r.offer(buf, type, offset, count, tag, context)) return false;
        if (push.pushers != 0) {
            // the receiver may have looked at the ring before this message arrived, and now parks
            synchronized (dest) {
                drainLocked(dest, r);
            }
        }
        return true;
    }

    /**
     * Moves a ring's messages into the mailbox, oldest first: each goes to the first posted receive
     * that matches it (receives it does not fit are failed, as on the mailbox path), or waits as an
     * eager message. Call under the mailbox's monitor.
     */
    private static void drainLocked(Mailbox box, Ring r) {
        for (int s; (s = r.peek()) >= 0; ) {
            if (!toPosted(box, r, s)) toWaiting(box, r, s);
        }
    }

    /**
     * Gives the ring's head message to the first posted receive it matches (failing, on the way, posted
     * receives it matches but does not fit) and releases it; false when no posted receive matches (the
     * message stays at the head). Call under the monitor.
     */
    private static boolean toPosted(Mailbox box, Ring r, int s) {
        if (!box.hasPosted()) return false;
        int tag = r.tag(s), context = r.context(s), count = r.count(s);
        ElementType type = r.type(s);
        LocalOp recv;
        while (true) {
            recv = box.takePosted(r.source, tag, context);
            if (recv == null) return false;
            CohortException e = mismatch(type, count, r.source, tag, recv);
            if (e == null) break;
            recv.fail(e);
        }
        deliverFromRing(r, s, recv);
        r.release(s);
        return true;
    }

    /** Completes a matched receive with the message in a ring slot (which the caller then releases). */
    private static void deliverFromRing(Ring r, int s, LocalOp recv) {
        ElementType type = r.type(s);
        if (type == ElementType.OBJECT) {
            recv.completeReceive(r.source, r.tag(s), r.count(s), type, r.encoding(s));
        } else {
            r.copyOut(s, recv.buf, recv.offset);
            recv.completeReceive(r.source, r.tag(s), r.count(s), type, null);
        }
    }

    /** Drains every ring into the mailbox; call under its monitor. */
    private static void drainAllLocked(Mailbox box) {
        for (Ring r : box.rings) drainLocked(box, r);
    }

    /** Moves the ring's head message to the end of the waiting list and releases its slot. */
    private static void toWaiting(Mailbox box, Ring r, int s) {
        box.append(waitingCopy(box, r, s));
        r.release(s);
    }

    /** A waiting message holding a copy of a ring slot's message (an object's encoding is handed over). */
    private static Message waitingCopy(Mailbox box, Ring r, int s) {
        Message m = box.newMessage();
        m.source = r.source;
        m.tag = r.tag(s);
        m.context = r.context(s);
        m.type = r.type(s);
        m.count = r.count(s);
        if (m.type == ElementType.OBJECT) {
            m.data = r.encoding(s);
        } else {
            m.data = box.pool.take(m.type, m.count);
            m.pooled = true;
            r.copyOut(s, m.data, 0);
        }
        m.dataOffset = 0;
        return m;
    }

    /**
     * Looks through the rings a receive could take from (its source's, or all for ANY_SOURCE) for its
     * message. Messages ahead of it go to receives posted earlier that match them, or else to the
     * waiting list, keeping their order. Returns true when the receive completed (with the message,
     * or failed because the message does not fit: then the message stays). Call under the monitor.
     */
    private boolean takeFromRings(LocalOp op) {
        if (op.peer == Comm.ANY_SOURCE) {
            for (Ring r : box.rings) if (takeFromRing(r, op)) return true;
            return false;
        }
        Ring r = box.existingRingFrom(op.peer);
        return r != null && takeFromRing(r, op);
    }

    private boolean takeFromRing(Ring r, LocalOp op) {
        for (int s; (s = r.peek()) >= 0; ) {
            if (toPosted(box, r, s)) continue;   // receives posted before this one come first
            int tag = r.tag(s);
            if (r.context(s) == op.context && (op.tag == Comm.ANY_TAG || op.tag == tag)) {
                CohortException e = mismatch(r.type(s), r.count(s), r.source, tag, op);
                if (e != null) {
                    op.fail(e);
                    return true;
                }
                deliverFromRing(r, s, op);
                r.release(s);
                return true;
            }
            toWaiting(box, r, s);
        }
        return false;
    }

    /** Leaves a message for a later receive; returns true when the send must wait for it (rendezvous). */
    private boolean leaveMessage(Mailbox dest, LocalOp op) {
        Message m = dest.newMessage();
        m.source = rank;
        m.tag = op.tag;
        m.context = op.context;
        m.type = op.type;
        m.count = op.count;
        boolean waits;
        if (op.type == ElementType.OBJECT) {
            m.data = op.buf;            // the encoding was handed over
            m.dataOffset = op.offset;
            waits = op.sync;
        } else if (!op.sync && (long) op.count * op.type.size() <= universe.eagerBytes) {
            m.data = dest.pool.take(op.type, op.count);
            m.dataOffset = 0;
            m.pooled = true;
            Copier.copy(op.buf, op.offset, m.data, 0, op.count);
            waits = false;
        } else {
            m.data = op.buf;
            m.dataOffset = op.offset;
            waits = true;
        }
        if (waits) {
            m.sender = op;
            op.pendingMessage = m;
        }
        dest.append(m);
        return waits;
    }

    /** Starts a receive: take a waiting message, or post the receive. */
    void startRecv(LocalOp op) {
        checkAlive();
        Message m;
        synchronized (box) {
            if (box.hasPosted()) drainAllLocked(box);   // receives posted earlier get the first pick
            m = box.peek(op.peer, op.tag, op.context);
            if (m == null) {
                if (!takeFromRings(op)) box.post(op);
                return;
            }
            CohortException e = mismatch(m.type, m.count, m.source, m.tag, op);
            if (e != null) {
                op.fail(e);           // the message stays for a receive that fits
                return;
            }
            box.remove(m);
        }
        deliver(m.data, m.dataOffset, m.count, m.type, m.source, m.tag, op);
        LocalOp sender = m.sender;
        synchronized (box) {
            box.recycle(m);
        }
        if (sender != null) sender.completeSend();
    }

    /** Copies (or for objects hands over) a message's data into a matched receive and completes it. */
    private static void deliver(Object data, int dataOffset, int count, ElementType type, int source, int tag,
                                LocalOp recv) {
        if (type == ElementType.OBJECT) {
            Object payload = data;   // an encoding, or the copier's tape of the object (count 0)
            if (payload instanceof byte[] b && (dataOffset != 0 || b.length != count)) {
                payload = java.util.Arrays.copyOfRange(b, dataOffset, dataOffset + count);
            }
            recv.completeReceive(source, tag, count, type, payload);
        } else {
            Copier.copy(data, dataOffset, recv.buf, recv.offset, count);
            recv.completeReceive(source, tag, count, type, null);
        }
    }

    /** Why a message cannot go into a receive, or null when it fits (no work beyond two compares when it fits). */
    private static CohortException mismatch(ElementType msgType, int msgCount, int msgSource, int msgTag, LocalOp recv) {
        return recv.mismatch(msgType, msgCount, msgSource, msgTag, recv.owner.rank);
    }

    // ---------------------------------------------------------------- cancel and probe

    boolean cancel(LocalOp op) {
        if (op.isSend) {
            Message m = op.pendingMessage;
            if (m == null) return false;
            Mailbox dest = universe.box(op.peer);
            synchronized (dest) {
                // the message object is recycled once received: it must still be this send's
                if (m.sender != op || !dest.remove(m)) return false;
                dest.recycle(m);
            }
            op.completeCancelled();
            return true;
        }
        synchronized (box) {
            if (!box.removePosted(op)) return false;
        }
        op.completeCancelled();
        return true;
    }

    @Override
    public Status iprobe(Comm comm, int source, int tag, int context) {
        checkAlive();
        synchronized (box) {
            drainAllLocked(box);
            Message m = box.peek(source, tag, context);
            if (m == null) return null;
            return new Status(comm.commRankOf(m.source), m.tag, m.count, m.type, false);
        }
    }

    @Override
    public Status probe(Comm comm, int source, int tag, int context) {
        ProbeRequest p = new ProbeRequest(this, comm, source, tag, context);
        p.await();
        return p.found;
    }

    /** A probe as a request, so blocking probes share the idle strategy and deadlock detection. */
    private static final class ProbeRequest extends Request {
        private final LocalTransport t;
        private final Comm comm;
        private final int source, tag, context;
        Status found;

        ProbeRequest(LocalTransport t, Comm comm, int source, int tag, int context) {
            super(ACTIVE);
            this.t = t;
            this.comm = comm;
            this.source = source;
            this.tag = tag;
            this.context = context;
        }

        @Override
        protected boolean poll() {
            if (isComplete()) return true;
            Status s = t.iprobe(comm, source, tag, context);
            if (s == null) return false;
            found = s;
            complete();
            return true;
        }

        @Override
        protected Comm comm() {
            return comm;
        }

        @Override
        protected ProgressEngine engine() {
            return t;
        }

        @Override
        public String describe() {
            return "probe(source=" + (source == Comm.ANY_SOURCE ? "ANY_SOURCE" : String.valueOf(comm.commRankOf(source)))
                    + ", tag=" + (tag == Comm.ANY_TAG ? "ANY_TAG" : String.valueOf(tag)) + ", comm=" + comm.name() + ")";
        }

        @Override
        protected boolean doCancel() {
            return false;
        }
    }

    // ---------------------------------------------------------------- progress engine

    @Override
    public ProgressEngine engine() {
        return this;
    }

    @Override
    public <T> T capability(Class<T> type) {
        if (type == dev.cohort.spi.SharedMemory.class && universe.size > 1) return type.cast(universe);
        return null;
    }

    private static final Request[] NONE = new Request[0];
    private volatile Request[] polled = NONE;

    @Override
    public void progress() {
        Mailbox b = box;
        if (b.ringsReady()) {
            synchronized (b) {
                drainAllLocked(b);
            }
        }
        Request[] p = polled;
        for (Request r : p) r.advance();
    }

    @Override
    public synchronized void addProgress(Request r) {
        Request[] p = polled;
        Request[] q = java.util.Arrays.copyOf(p, p.length + 1);
        q[p.length] = r;
        polled = q;
    }

    @Override
    public synchronized void removeProgress(Request r) {
        Request[] p = polled;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == r) {
                Request[] q = new Request[p.length - 1];
                System.arraycopy(p, 0, q, 0, i);
                System.arraycopy(p, i + 1, q, i, p.length - i - 1);
                polled = q;
                return;
            }
        }
    }

    @Override
    public void checkAlive() {
        universe.checkAlive(rank);
    }

    @Override
    public void parking(Request[] requests, int count, boolean all) {
        synchronized (box) {
            box.push.pushers++;        // senders drain their rings from now on; then take what came before
            drainAllLocked(box);
        }
        if (Thread.currentThread() == rankThread) universe.blocked(rank, requests, all);
    }

    @Override
    public void unparked() {
        synchronized (box) {
            box.push.pushers--;
        }
        if (Thread.currentThread() == rankThread) universe.unblocked(rank);
    }

    @Override
    public void futureRequested(Request r) {
        synchronized (box) {
            if (!futures) {
                futures = true;   // a future completes without its rank polling: keep senders pushing
                box.push.pushers++;
            }
            drainAllLocked(box);
        }
    }

    @Override
    public long parkNanos() {
        return 20_000_000L;
    }

    @Override
    public void abort(Throwable cause) {
        universe.fail(rank, cause);
    }

    @Override
    public void close() {
        // Nothing to release: messages already sent to this rank stay in its mailbox until the job ends.
    }
}
