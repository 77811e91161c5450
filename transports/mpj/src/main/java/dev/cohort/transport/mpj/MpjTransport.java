package dev.cohort.transport.mpj;

import dev.cohort.CohortException;
import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.ErrorClass;
import dev.cohort.PersistentRequest;
import dev.cohort.Request;
import dev.cohort.Status;
import dev.cohort.spi.ProgressEngine;
import dev.cohort.spi.Spinning;
import dev.cohort.spi.Transport;
import mpi.Datatype;
import mpi.Intracomm;
import mpi.MPI;
import mpi.MPIException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One rank of a job over MPJ Express.
 *
 * <p><b>One MPJ communicator, matching here.</b> Every message of every Cohort communicator travels on
 * one dup of MPJ's COMM_WORLD, with the context id, the element type and a sync flag folded into the
 * MPJ tag ({@link WireTag}). The transport matches envelopes itself: it takes each arriving message off
 * MPJ (Iprobe on ANY_SOURCE / ANY_TAG, then a Recv of exactly that message) straight into the first
 * posted receive that accepts it, or into a queue of unexpected messages that later receives search
 * first. Why not one MPJ communicator per Cohort communicator: Cohort announces a new communicator
 * ({@link #commCreated}) only on its members, while MPJ's Create and Split are collective over the
 * whole parent; and a wildcard-tag receive on one context must not see other contexts' messages, which
 * MPJ's own matching on a shared communicator cannot express. Matching here also gives Cohort's
 * semantics where MPJ's differ: a receive of the wrong element type or too small a buffer fails with
 * TYPE / TRUNCATE and leaves the message for another receive; ssend completes when the receiver's
 * acknowledgement arrives (a zero-byte ACK message), i.e. once a receive matched it.
 *
 * <p>The buffer path costs no copy beyond MPJ's own when the receive is posted before the message
 * arrives (the usual case for large messages); an unexpected message is copied once more from the
 * queue. A standard send of at most {@link #EAGER_BYTES} completes once MPJ has packed it. Objects
 * travel as their codec encoding in BYTE messages of kind OBJECT, never as MPI.OBJECT.
 *
 * <p><b>The multicore device.</b> Its ranks are threads of one JVM, and point-to-point messages do not
 * go through MPJ there: a send puts a copy of its data into the receiver's {@link Inbox}, and the
 * receiver takes messages from it into the same matching instead of probing MPJ; a message of 8 KiB
 * or more puts only its key there, and the receiver copies it straight from the sender's buffer
 * ({@link Handoff}).
 *
 * <p><b>Threads.</b> Every MPJ call of the rank happens under one lock, so any thread of the rank may
 * use the transport. Progress is driven by the threads that wait or test, and, for requests nobody
 * polls (a CompletableFuture view, a request left to finish in the background), by a daemon thread of
 * the rank that looks every half millisecond while something is outstanding (MPJ's devices move the
 * bytes; only the matching needs a thread here).
 * MPJ's classes are per rank in the multicore device (each rank has a class loader of its own), and so
 * is everything here: the one static field, the transport the rank opened, is the rank's own.
 *
 * <p><b>A failing rank on a cluster device.</b> In niodev (and hybdev) the ranks are processes of
 * their own, and MPJ's Abort ends only the caller's. So {@link #abort} first sends every other rank an
 * abort notice with the failure; a rank takes it off MPJ when it next looks for messages (or its
 * progress thread looks, every 10 ms), fails whatever it waits for with ABORTED ("the job was ended
 * because rank R failed: ..."), and halts after a grace of 5 s ({@code -Dcohort.mpj.abortGraceMs}) if
 * its code has not ended it by then. A rank killed by a signal sends nothing, so each rank also
 * watches the next one's process ({@link PeerWatch}): the watcher of a rank whose process ended
 * without closing its session or failing reports it and sends the notices in its stead.
 */
final class MpjTransport implements Transport, ProgressEngine {
    private static final byte[] EMPTY = new byte[0];

    private final Intracomm wire;
    private final int rank;
    private final int size;
    private final String processorName;
    private final String[] programArgs;
    private final String device;
    private final Datatype[] datatypes = new Datatype[ElementType.values().length];

    private final ReentrantLock lock = new ReentrantLock();
    /** Posted receives in the order they were posted. */
    private MpjOp postedHead, postedTail;
    /** Messages taken off MPJ before a receive wanted them, in arrival order. */
    private Arrived unexpectedHead, unexpectedTail;
    /** Sends waiting for MPJ to complete them or for an acknowledgement. */
    private final ArrayList<MpjOp> sending = new ArrayList<>();
    /**
     * MPJ requests no Cohort request waits for (acknowledgements, and small sends completed early, see
     * {@link #EAGER_BYTES}): tested until MPJ finishes them, which frees MPJ's buffers.
     */
    private final ArrayList<mpi.Request> outgoing = new ArrayList<>();
    /** How many unfinished {@link #outgoing} requests one round of progress tests at most. */
    private static final int OUTGOING_SCAN = 16;
    /** The live communicator owning each context slot (the world's 0 and 1 are never freed). */
    private final Comm[] slotOwner = new Comm[WireTag.CONTEXT_SLOTS];
    private final boolean[] worldSlot = new boolean[WireTag.CONTEXT_SLOTS];
    private volatile boolean closed;
    private final Thread progressThread;
    /**
     * True when the ranks may be processes of their own (niodev, hybdev): a failing rank then tells
     * the others with an abort notice ({@link WireTag#ABORT}), since MPJ's Abort ends only its own
     * process there and the other ranks would wait for it forever. In the multicore device the
     * failing rank's exit ends every rank.
     */
    private final boolean separateProcesses;
    /** On a cluster device: this rank's watch of the next rank's process (null when there is none). */
    private final PeerWatch watch;
    /** Set when another rank's abort notice came: every operation then fails with it. */
    private volatile CohortException aborted;
    /** When the progress thread last looked for an abort notice (System.nanoTime). */
    private long noticeCheckedAt;
    /** How long a rank that got an abort notice has to end on its own before it is halted, ms. */
    private static final long ABORT_GRACE_MILLIS = Long.getLong("cohort.mpj.abortGraceMs", 5000L);
    /** How often the progress thread looks for an abort notice on a cluster device, ns. */
    private static final long NOTICE_CHECK_NANOS = 10_000_000L;
    /** Large messages on the multicore device (null on other devices, or when turned off). */
    private final Handoff handoff;
    /** A handoff control message's payload (key, count, element type) going out and coming in; the lock guards them. */
    private final long[] handoffOut = new long[3];
    private final long[] handoffIn = new long[3];
    /** On the multicore device, the ranks' message queues that replace MPJ's point-to-point (null elsewhere, or when turned off). */
    private final Inbox inbox;
    private final boolean oversubscribed;
    /**
     * {@code cohort.mpj.eagerBytes} (default 8192): a standard-mode send of at most this many bytes
     * completes as soon as MPJ has it. MPJ packs a send's data into a buffer of its own before Isend
     * returns, so the caller's array is free then; waiting for MPJ to match it would only make every
     * small send wait for its receiver. Larger sends still complete when MPJ does (their copies in MPJ
     * are not left to pile up), as do sync sends (on their acknowledgement).
     */
    private static final long EAGER_BYTES = Long.getLong("cohort.mpj.eagerBytes", 8192L);
    /** The transport this class loader opened (one rank: MPJ's multicore device gives each rank a loader). */
    private static volatile MpjTransport opened;

    /** A message taken off MPJ that no receive has matched yet. */
    private static final class Arrived {
        int source;
        int slot;
        int tag;
        ElementType type;
        int count;
        boolean sync;
        Object data;
        /** The key of a handed-off message's offer (its data stays with the sender), else -1. */
        long handoffKey = -1;
        Arrived next;
    }

    private MpjTransport(Intracomm wire, String[] programArgs, String device) throws MPIException {
        this.wire = wire;
        this.rank = wire.Rank();
        this.size = wire.Size();
        this.processorName = MPI.Get_processor_name();
        this.programArgs = programArgs;
        this.device = device;
        this.separateProcesses = !multicore(device);
        this.probeLock = probeLock(device);
        this.handoff = multicore(device) ? Handoff.open(rank) : null;
        this.inbox = multicore(device) ? Inbox.open(rank, size) : null;
        this.oversubscribed = multicore(device) && Spinning.oversubscribed(size);
        datatypes[ElementType.BYTE.ordinal()] = MPI.BYTE;
        datatypes[ElementType.SHORT.ordinal()] = MPI.SHORT;
        datatypes[ElementType.INT.ordinal()] = MPI.INT;
        datatypes[ElementType.LONG.ordinal()] = MPI.LONG;
        datatypes[ElementType.FLOAT.ordinal()] = MPI.FLOAT;
        datatypes[ElementType.DOUBLE.ordinal()] = MPI.DOUBLE;
        datatypes[ElementType.CHAR.ordinal()] = MPI.CHAR;
        datatypes[ElementType.BOOLEAN.ordinal()] = MPI.BOOLEAN;
        datatypes[ElementType.OBJECT.ordinal()] = MPI.BYTE;
        worldSlot[0] = true;
        worldSlot[1] = true;
        watch = separateProcesses ? PeerWatch.start(wire, rank, size, processorName, new PeerWatch.Listener() {
            @Override
            public void died(int peer) {
                peerDied(peer);
            }

            @Override
            public void ended(String reason) {
                peerEnded(reason);
            }
        }) : null;
        // Created by the rank's thread, so it is in the rank's thread group (MPJ's multicore device
        // tells ranks apart by thread group).
        progressThread = new Thread(this::backgroundProgress, "cohort-mpj-progress-" + rank);
        progressThread.setDaemon(true);
        progressThread.start();
    }

    /** The daemon loop: progress while receives, sends or nonblocking collectives are outstanding. */
    private void backgroundProgress() {
        while (!closed) {
            boolean work = polled.length > 0;
            if (lock.tryLock()) {
                try {
                    if (closed) return;
                    if (postedHead != null || !sending.isEmpty() || !outgoing.isEmpty()) {
                        work = true;
                        pump();
                    }
                    if (separateProcesses && aborted == null && System.nanoTime() - noticeCheckedAt > NOTICE_CHECK_NANOS) {
                        noticeCheckedAt = System.nanoTime();
                        takeAbortNotice();
                    }
                } catch (RuntimeException e) {
                    // the next operation of the rank's own threads reports MPJ's failure
                } finally {
                    lock.unlock();
                }
            } else {
                work = true;
            }
            if (polled.length > 0) {
                try {
                    progress();
                } catch (RuntimeException e) {
                    // reported to whoever awaits the collective
                }
            }
            LockSupport.parkNanos(work ? 500_000L : 2_000_000L);
        }
    }

    /** MPI.Init with the launcher's arguments, and the transport's own dup of COMM_WORLD. */
    static MpjTransport open(String[] args) {
        try {
            String[] rest = MPI.Init(args);
            Intracomm wire = (Intracomm) MPI.COMM_WORLD.clone();
            MpjTransport t = new MpjTransport(wire, rest != null ? rest : MpjEnvironment.programArgs(args), MpjEnvironment.device(args));
            opened = t;
            return t;
        } catch (CohortException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CohortException(ErrorClass.SESSION, -1, "transport mpj: MPI.Init failed: " + mpjMessage(e), e);
        }
    }

    // ---------------------------------------------------------------- identity

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public String name() {
        return MpjTransportProvider.NAME;
    }

    @Override
    public int tagUpperBound() {
        return WireTag.TAG_UB;
    }

    @Override
    public String processorName() {
        return processorName;
    }

    @Override
    public String[] applicationArgs(String[] given) {
        return programArgs.clone();
    }

    /** The MPJ device this rank runs on (smpdev for multicore, niodev, hybdev). */
    String device() {
        return device;
    }

    // ---------------------------------------------------------------- requests

    @Override
    public Request isend(Comm comm, Object buf, ElementType type, int offset, int count, int dest, int tag, int context,
                         boolean sync) {
        MpjOp op = new MpjOp(this, false).arm(comm, sync ? "issend" : type == ElementType.OBJECT ? "isendObject" : "isend",
                true, sync, buf, type, offset, count, dest, tag, context);
        startSend(op);
        return op;
    }

    @Override
    public Request irecv(Comm comm, Object buf, ElementType type, int offset, int count, int source, int tag,
                         int context) {
        MpjOp op = new MpjOp(this, false).arm(comm, buf == null ? "irecvObject" : "irecv", false, false, buf, type,
                offset, count, source, tag, context);
        startRecv(op);
        return op;
    }

    @Override
    public PersistentRequest sendInit(Comm comm, Object buf, ElementType type, int offset, int count, int dest, int tag,
                                      int context, boolean sync) {
        return new MpjOp(this, true).arm(comm, sync ? "ssendInit" : "sendInit", true, sync, buf, type, offset, count,
                dest, tag, context);
    }

    @Override
    public PersistentRequest recvInit(Comm comm, Object buf, ElementType type, int offset, int count, int source,
                                      int tag, int context) {
        return new MpjOp(this, true).arm(comm, "recvInit", false, false, buf, type, offset, count, source, tag, context);
    }

    @Override
    public void send(Comm comm, Object buf, ElementType type, int offset, int count, int dest, int tag, int context,
                     boolean sync) {
        MpjOp op = new MpjOp(this, false).arm(comm, sync ? "ssend" : type == ElementType.OBJECT ? "sendObject" : "send",
                true, sync, buf, type, offset, count, dest, tag, context);
        startSend(op);
        op.waitFor();
    }

    @Override
    public Status recv(Comm comm, Object buf, ElementType type, int offset, int count, int source, int tag,
                       int context) {
        MpjOp op = new MpjOp(this, false).arm(comm, "recv", false, false, buf, type, offset, count, source, tag, context);
        startRecv(op);
        try {
            return op.await();
        } catch (CohortException e) {
            if (!op.isComplete()) op.cancel();
            throw e;
        }
    }

    // ---------------------------------------------------------------- sending

    void startSend(MpjOp op) {
        checkAlive();
        lock.lock();
        try {
            if (handoff != null && handoff.wants(op.type, op.count)) {
                startHandoff(op);
                return;
            }
            int wt = WireTag.data(op.type, op.context, op.tag, op.sync);
            op.ackPending = op.sync;
            if (inbox != null) inbox.post(op.peer, rank, wt, op.count, Inbox.copyOf(op.buf, op.type, op.offset, op.count));
            else sendThroughMpj(op, wt);
            if (op.mpjRequest == null && !op.ackPending) {
                op.staged = null;
                op.completeSend();
            } else {
                sending.add(op);
            }
        } catch (RuntimeException e) {
            op.fail(error(op, e));
        } finally {
            lock.unlock();
        }
    }

    /**
     * MPJ's Isend of a send's data; leaves the MPJ request in the op while the send must wait for it.
     * Lock held.
     */
    private void sendThroughMpj(MpjOp op, int wt) throws MPIException {
        Object data = op.buf;
        int off = op.offset;
        if (data instanceof ByteBuffer) {
            ByteBuffer bb = (ByteBuffer) data;
            if (bb.hasArray()) {
                data = bb.array();
                off = bb.arrayOffset() + op.offset;
            } else {
                byte[] s = new byte[op.count];
                window(bb, op.offset).get(s, 0, op.count);
                op.staged = s;
                data = s;
                off = 0;
            }
        }
        mpi.Request r = wire.Isend(data, off, op.count, datatypes[op.type.ordinal()], op.peer, wt);
        if (!op.sync && (long) op.count * op.type.size() <= EAGER_BYTES) {
            outgoing.add(r);                   // MPJ has the data: done here, MPJ's request tested later
            op.mpjRequest = null;
        } else {
            op.mpjRequest = r.Test() == null ? r : null;
        }
    }

    /**
     * Offers a send's buffer to the receiver ({@link Handoff}) and sends it the control message (through
     * its inbox, else MPJ). The send completes once a receive has copied the buffer. Lock held.
     */
    private void startHandoff(MpjOp op) throws MPIException {
        AtomicBoolean done = new AtomicBoolean();
        long key = handoff.offer(op.buf, op.offset, op.count, done);
        op.handoffDone = done;
        int wt = WireTag.handoff(op.context, op.tag);
        if (inbox != null) {
            inbox.post(op.peer, rank, wt, 3, new long[]{key, op.count, op.type.ordinal()});
        } else {
            mpi.Request r;
            try {
                // MPJ packs the payload into a buffer of its own before Isend returns: one array serves every send
                handoffOut[0] = key;
                handoffOut[1] = op.count;
                handoffOut[2] = op.type.ordinal();
                r = wire.Isend(handoffOut, 0, 3, MPI.LONG, op.peer, wt);
            } catch (RuntimeException e) {
                handoff.withdraw(key);
                throw e;
            }
            op.mpjRequest = r.Test() == null ? r : null;
        }
        sending.add(op);
    }

    /** Completes the sends MPJ has finished (and that need no acknowledgement). Lock held. */
    private void progressSends() throws MPIException {
        for (int i = sending.size() - 1; i >= 0; i--) {
            MpjOp op = sending.get(i);
            if (op.mpjRequest != null && op.mpjRequest.Test() != null) {
                op.mpjRequest = null;
                op.staged = null;
            }
            if (op.mpjRequest == null && !op.ackPending && (op.handoffDone == null || op.handoffDone.get())) {
                sending.remove(i);
                op.completeSend();
            }
        }
        // Oldest first, and no further than OUTGOING_SCAN unfinished ones: a rank that sends many small
        // messages its peer has not received yet must not test them all on every poll.
        int n = outgoing.size(), kept = 0, r = 0;
        for (int unfinished = 0; r < n && unfinished < OUTGOING_SCAN; r++) {
            mpi.Request q = outgoing.get(r);
            if (q.Test() == null) {
                outgoing.set(kept++, q);
                unfinished++;
            }
        }
        if (kept < r) outgoing.subList(kept, r).clear();
    }

    /** The receiver of a sync message matched it: the oldest sync send with that envelope is done. Lock held. */
    private void acknowledged(int source, int slot, int tag) {
        for (int i = 0; i < sending.size(); i++) {
            MpjOp op = sending.get(i);
            if (op.ackPending && op.peer == source && op.tag == tag && WireTag.slot(op.context) == slot) {
                op.ackPending = false;
                if (op.mpjRequest == null) {
                    sending.remove(i);
                    op.completeSend();
                }
                return;
            }
        }
    }

    private void sendAck(int dest, int slot, int tag) throws MPIException {
        if (inbox != null) {
            inbox.post(dest, rank, WireTag.ack(slot, tag), 0, null);
            return;
        }
        mpi.Request r = wire.Isend(EMPTY, 0, 0, MPI.BYTE, dest, WireTag.ack(slot, tag));
        if (r.Test() == null) outgoing.add(r);
    }

    // ---------------------------------------------------------------- receiving and matching

    void startRecv(MpjOp op) {
        checkAlive();
        lock.lock();
        try {
            int slot = WireTag.slot(op.context);
            Arrived prev = null;
            for (Arrived m = unexpectedHead; m != null; prev = m, m = m.next) {
                if (!op.accepts(m.source, m.tag, m.slot)) continue;
                CohortException e = mismatch(m.type, m.count, m.source, m.tag, op);
                if (e != null) {
                    op.fail(e);          // the message stays for a receive that fits
                    return;
                }
                if (prev == null) unexpectedHead = m.next;
                else prev.next = m.next;
                if (unexpectedTail == m) unexpectedTail = prev;
                deliverQueued(m, op);
                if (m.sync) sendAck(m.source, slot, m.tag);
                return;
            }
            if (postedTail == null) postedHead = op;
            else postedTail.next = op;
            postedTail = op;
            pump();
        } catch (RuntimeException e) {
            if (!op.isComplete()) {
                removePosted(op);
                op.fail(error(op, e));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes every message MPJ (or on the multicore device the rank's {@link Inbox}) has for this rank:
     * into the posted receive it matches, or into the queue. Returns how many it took. Lock held.
     *
     * <p>While nothing here wants a message (no posted receive, no sync send waiting for its
     * acknowledgement, no probe), messages stay inside MPJ: taking them now would only cost an
     * allocation and a second copy when their receive comes (for example the reply of a ping-pong,
     * arriving while its sender still waits for its own send to complete).
     */
    private int pump() throws MPIException {
        return pump(false);
    }

    /**
     * What Iprobe runs under. MPJ's multicore device (smpdev) changes its message queues, which all
     * ranks of the JVM share, under the monitor of its class xdev.smpdev.SMPDeviceImpl in isend and
     * irecv, but reads them in iprobe without it; its queue keys all hash alike, so a probe that
     * meets a queue being changed can walk a tree with a cycle (a StackOverflowError, seen once in the
     * 4-rank conformance run). Probing under the same monitor closes that race. Other devices: a lock
     * of this rank's own (every MPJ call of the rank is under {@link #lock} already).
     */
    private final Object probeLock;

    /** Whether {@code device} is MPJ's multicore device (its ranks are threads of one JVM). */
    private static boolean multicore(String device) {
        return "smpdev".equals(device) || "multicore".equals(device);
    }

    private static Object probeLock(String device) {
        if (multicore(device)) {
            try {
                return Class.forName("xdev.smpdev.SMPDeviceImpl", false, MPI.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // not MPJ's multicore device after all: nothing to share a monitor with
            }
        }
        return new Object();
    }

    private int pump(boolean forProbe) throws MPIException {
        int taken = 0;
        if (!sending.isEmpty() || !outgoing.isEmpty()) progressSends();
        while (forProbe || postedHead != null || awaitingAck()) {
            int source, wt, count;
            Object payload = null;
            mpi.Status st = null;
            if (inbox != null) {
                Object[] msg = inbox.take();
                if (msg == null) break;
                source = (Integer) msg[Inbox.SOURCE];
                wt = (Integer) msg[Inbox.WIRE_TAG];
                count = (Integer) msg[Inbox.COUNT];
                payload = msg[Inbox.DATA];
            } else {
                synchronized (probeLock) {
                    st = wire.Iprobe(MPI.ANY_SOURCE, MPI.ANY_TAG);
                }
                if (st == null) break;
                source = st.source;
                wt = st.tag;
                count = -1;
            }
            taken++;
            int slot = WireTag.contextSlot(wt);
            int tag = WireTag.tag(wt);
            if (WireTag.kind(wt) == WireTag.ACK) {
                if (st != null) wire.Recv(EMPTY, 0, 0, MPI.BYTE, source, wt);
                acknowledged(source, slot, tag);
                continue;
            }
            if (WireTag.kind(wt) == WireTag.ABORT) {
                if (st != null) receiveAbortNotice(st);   // only cluster devices send notices, always through MPJ
                continue;
            }
            ElementType type;
            long key = -1;
            if (WireTag.kind(wt) == WireTag.HANDOFF) {
                long[] h = handoffIn;
                if (st != null) wire.Recv(h, 0, 3, MPI.LONG, source, wt);
                else h = (long[]) payload;
                key = h[0];
                count = (int) h[1];
                type = WireTag.typeOf((int) h[2]);
            } else {
                type = WireTag.type(wt);
                if (st != null) count = st.Get_count(datatypes[type.ordinal()]);
            }
            MpjOp target = matchPosted(source, tag, slot, type, count);
            if (target != null && key >= 0) {
                takeHandoff(target, key, source, tag, type, count);
            } else if (target != null) {
                if (st != null) receiveInto(target, source, wt, type, count);
                else deliver(payload, target, source, tag, type, count);
                if (WireTag.sync(wt)) sendAck(source, slot, tag);
            } else {
                Arrived m = new Arrived();
                m.source = source;
                m.slot = slot;
                m.tag = tag;
                m.type = type;
                m.count = count;
                m.sync = WireTag.sync(wt);
                if (key >= 0) {
                    m.handoffKey = key;
                } else if (st == null) {
                    m.data = payload;                   // the inbox's copy is the receiver's to keep
                } else {
                    m.data = type.newArray(count);
                    wire.Recv(m.data, 0, count, datatypes[type.ordinal()], source, wt);
                }
                if (unexpectedTail == null) unexpectedHead = m;
                else unexpectedTail.next = m;
                unexpectedTail = m;
            }
        }
        if (taken > 0 && (!sending.isEmpty() || !outgoing.isEmpty())) progressSends();
        return taken;
    }

    /**
     * Takes the first posted receive that accepts the message out of the posted list, failing (and
     * taking out) the ones before it that match its envelope but cannot hold it; null when none
     * accepts it. Lock held.
     */
    private MpjOp matchPosted(int source, int tag, int slot, ElementType type, int count) {
        MpjOp prev = null;
        for (MpjOp op = postedHead; op != null; ) {
            MpjOp next = op.next;
            if (op.accepts(source, tag, slot)) {
                CohortException e = mismatch(type, count, source, tag, op);
                unlinkPosted(op, prev);
                if (e == null) return op;
                op.fail(e);       // the message goes on to the next receive, or the queue
            } else {
                prev = op;
            }
            op = next;
        }
        return null;
    }

    /** Whether a sync send waits for an acknowledgement (which may sit behind other messages). */
    private boolean awaitingAck() {
        for (int i = 0; i < sending.size(); i++) if (sending.get(i).ackPending) return true;
        return false;
    }

    /** Receives the probed message straight into a matched receive and completes it. */
    private void receiveInto(MpjOp op, int source, int wt, ElementType type, int count) throws MPIException {
        Datatype dt = datatypes[type.ordinal()];
        if (op.buf == null) {                          // an object receive: the encoding is the payload
            byte[] bytes = new byte[count];
            wire.Recv(bytes, 0, count, dt, source, wt);
            op.completeReceive(source, WireTag.tag(wt), count, type, bytes);
            return;
        }
        if (op.buf instanceof ByteBuffer) {
            ByteBuffer bb = (ByteBuffer) op.buf;
            if (bb.hasArray()) {
                wire.Recv(bb.array(), bb.arrayOffset() + op.offset, count, dt, source, wt);
            } else {
                byte[] tmp = new byte[count];
                wire.Recv(tmp, 0, count, dt, source, wt);
                window(bb, op.offset).put(tmp, 0, count);
            }
        } else {
            wire.Recv(op.buf, op.offset, count, dt, source, wt);
        }
        op.completeReceive(source, WireTag.tag(wt), count, type, null);
    }

    /** Copies a handed-off message from its sender's buffer into a matched receive and completes it. */
    private static void takeHandoff(MpjOp op, long key, int source, int tag, ElementType type, int count) {
        byte[] made = Handoff.take(key, op.buf, op.offset);
        op.completeReceive(source, tag, count, type, made);
    }

    /** Copies a queued message into a receive and completes it. */
    private static void deliverQueued(Arrived m, MpjOp op) {
        if (m.handoffKey >= 0) {
            takeHandoff(op, m.handoffKey, m.source, m.tag, m.type, m.count);
            return;
        }
        deliver(m.data, op, m.source, m.tag, m.type, m.count);
    }

    /**
     * Copies a message's data, an array of its element type that the transport owns, into a receive
     * and completes it (an object receive takes the array itself: the encoding).
     */
    private static void deliver(Object data, MpjOp op, int source, int tag, ElementType type, int count) {
        if (op.buf == null) {
            op.completeReceive(source, tag, count, type, data);
            return;
        }
        if (op.buf instanceof ByteBuffer) window((ByteBuffer) op.buf, op.offset).put((byte[]) data, 0, count);
        else System.arraycopy(data, 0, op.buf, op.offset, count);
        op.completeReceive(source, tag, count, type, null);
    }

    /**
     * A view of a ByteBuffer positioned at {@code offset}: Cohort's offset and count address the buffer's
     * whole capacity, whatever its position and limit.
     */
    static ByteBuffer window(ByteBuffer bb, int offset) {
        ByteBuffer d = bb.duplicate();
        d.clear();
        d.position(offset);
        return d;
    }

    private void unlinkPosted(MpjOp op, MpjOp prev) {
        if (prev == null) postedHead = op.next;
        else prev.next = op.next;
        if (postedTail == op) postedTail = prev;
        op.next = null;
    }

    /** Removes a receive from the posted list; false when it is not there (matched already). Lock held. */
    private boolean removePosted(MpjOp op) {
        MpjOp prev = null;
        for (MpjOp o = postedHead; o != null; prev = o, o = o.next) {
            if (o == op) {
                unlinkPosted(op, prev);
                return true;
            }
        }
        return false;
    }

    /** Why a message cannot go into a receive, or null when it fits. */
    private CohortException mismatch(ElementType msgType, int msgCount, int msgSource, int msgTag, MpjOp recv) {
        return recv.mismatch(msgType, msgCount, msgSource, msgTag, rank);
    }

    // ---------------------------------------------------------------- cancel and probe

    boolean cancel(MpjOp op) {
        if (op.isSend) return false;   // MPJ cannot take a message back; MPI allows cancel to fail
        lock.lock();
        try {
            if (!removePosted(op)) return false;
        } finally {
            lock.unlock();
        }
        op.completeCancelled();
        return true;
    }

    @Override
    public Status iprobe(Comm comm, int source, int tag, int context) {
        checkAlive();
        int slot = WireTag.slot(context);
        lock.lock();
        try {
            pump(true);
            for (Arrived m = unexpectedHead; m != null; m = m.next) {
                if (m.slot == slot && (source == Comm.ANY_SOURCE || source == m.source) && (tag == Comm.ANY_TAG || tag == m.tag)) {
                    return new Status(comm.commRankOf(m.source), m.tag, m.count, m.type, false);
                }
            }
            return null;
        } catch (RuntimeException e) {
            throw new CohortException(ErrorClass.INTERN, rank, "rank " + comm.rank() + ": iprobe on " + comm.name()
                    + ": MPJ Express failed: " + mpjMessage(e), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Status probe(Comm comm, int source, int tag, int context) {
        for (int i = 0; ; i++) {
            Status s = iprobe(comm, source, tag, context);
            if (s != null) return s;
            if (i < 1000) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(parkNanos());
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new CohortException(ErrorClass.INTERRUPTED, rank, "rank " + comm.rank() + ": probe on "
                            + comm.name() + " was interrupted");
                }
            }
        }
    }

    // ---------------------------------------------------------------- communicators

    @Override
    public void commCreated(Comm comm) {
        int c = comm.contextId();
        for (int ctx : new int[]{c, c + 1}) {
            int s = WireTag.slot(ctx);
            Comm owner = slotOwner[s];
            if (worldSlot[s] || (owner != null && owner != comm && !owner.isFreed())) {
                throw new CohortException(ErrorClass.UNSUPPORTED, rank, "rank " + comm.rank() + ": creating " + comm.name()
                        + ": the MPJ transport tells communicators apart by context id modulo " + WireTag.CONTEXT_SLOTS
                        + ", and context " + ctx + " collides with a live communicator (" + (owner != null ? owner.name() : "WORLD")
                        + "); free communicators that are no longer needed (at most " + (WireTag.CONTEXT_SLOTS / 2 - 1)
                        + " may be alive at once)");
            }
        }
        for (int ctx : new int[]{c, c + 1}) slotOwner[WireTag.slot(ctx)] = comm;
    }

    @Override
    public void commFreed(Comm comm) {
        int c = comm.contextId();
        for (int ctx : new int[]{c, c + 1}) {
            int s = WireTag.slot(ctx);
            if (slotOwner[s] == comm) slotOwner[s] = null;
        }
    }

    // ---------------------------------------------------------------- progress engine

    @Override
    public ProgressEngine engine() {
        return this;
    }

    private static final Request[] NONE = new Request[0];
    private volatile Request[] polled = NONE;
    private final ThreadLocal<boolean[]> advancing = ThreadLocal.withInitial(() -> new boolean[1]);

    /**
     * One round of progress. When MPJ was probed and had nothing, the thread yields before returning:
     * waiters poll in a tight loop, and MPJ's Iprobe, called back to back, holds up the sending rank
     * inside MPJ (on the multicore device an 8-byte round trip took 170 us with a spinning Iprobe, 44 us
     * with a yield). On the multicore device nothing is probed ({@link Inbox}): a waiter then polls a
     * queue, and the idle strategy of the caller decides when to give up the core.
     */
    @Override
    public void progress() {
        if (lock.tryLock()) {
            int taken;
            try {
                taken = pump();
            } catch (RuntimeException e) {
                throw new CohortException(ErrorClass.INTERN, rank, "rank " + rank + ": MPJ Express failed while making progress: "
                        + mpjMessage(e), e);
            } finally {
                lock.unlock();
            }
            if (taken == 0 && inbox == null) Thread.yield();   // an empty inbox holds up nobody
        } else {
            Thread.yield();
        }
        Request[] p = polled;
        if (p.length == 0) return;
        boolean[] busy = advancing.get();
        if (busy[0]) return;
        busy[0] = true;
        try {
            for (Request r : p) r.advance();
        } finally {
            busy[0] = false;
        }
    }

    @Override
    public synchronized void addProgress(Request r) {
        Request[] p = polled;
        Request[] q = Arrays.copyOf(p, p.length + 1);
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
        CohortException a = aborted;
        if (a != null) throw new CohortException(ErrorClass.ABORTED, a.rank(), "rank " + rank + ": " + a.detail());
        if (closed) throw new CohortException(ErrorClass.SESSION, rank, "rank " + rank + ": the MPJ session was closed");
    }

    @Override
    public void parking(Request[] requests, int count, boolean all) {
    }

    @Override
    public void unparked() {
    }

    /**
     * On the multicore device every rank is a thread of this JVM: more ranks than cores, and waiters
     * yield at once. Worked out once: the JVM's processor count can take a microsecond to ask for.
     */
    @Override
    public boolean oversubscribed() {
        return oversubscribed;
    }

    /** Short: nothing unparks a waiter when MPJ delivers, so a parked waiter polls again soon. */
    @Override
    public long parkNanos() {
        return 50_000L;
    }

    /** The transport this rank opened, or null (for {@link MpjMain}, which ends the job when the rank's main throws). */
    static MpjTransport opened() {
        return opened;
    }

    /**
     * Ends the job: on a cluster device, first tells every other rank (the rank watching this one
     * through {@link PeerWatch}, and an abort notice carrying {@code cause} over MPJ, waited for at
     * most 2 s), then MPJ's Abort and exit with status 1. A rank that
     * fails because another one did ({@link ErrorClass#ABORTED}) sends no notice of its own.
     */
    @Override
    public void abort(Throwable cause) {
        String failure = "rank " + rank + " failed: " + cause;
        leaving(failure);
        if (separateProcesses && aborted == null && !endedByAnotherRank(cause)) notifyOthers(failure, -1);
        try {
            MPI.COMM_WORLD.Abort(1);
        } catch (RuntimeException e) {
            // fall through: end this process, which in the multicore device is every rank
        }
        System.exit(1);
    }

    /**
     * MPI.Finalize, which in MPJ is a barrier of all ranks. It runs on a helper thread of the rank and
     * close() waits for it at most {@code cohort.mpj.finalizeWaitMs} (default 2000): a rank that closes
     * its session because its code threw must get to report the failure (and end the job) even though
     * the other ranks never reach Finalize; a rank that simply finishes early finalizes in the
     * background once the others arrive.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        leaving(null);
        LockSupport.unpark(progressThread);
        try {
            progressThread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RuntimeException[] failure = new RuntimeException[1];
        Thread finalizer = new Thread(() -> {
            lock.lock();
            try {
                MPI.Finalize();
            } catch (RuntimeException e) {
                failure[0] = e;
            } finally {
                lock.unlock();
            }
        }, "cohort-mpj-finalize-" + rank);
        finalizer.setDaemon(true);
        finalizer.start();
        try {
            finalizer.join(Long.getLong("cohort.mpj.finalizeWaitMs", 2000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!finalizer.isAlive() && failure[0] != null) {
            throw new CohortException(ErrorClass.INTERN, rank, "rank " + rank + ": MPI.Finalize failed: "
                    + mpjMessage(failure[0]), failure[0]);
        }
    }

    // ---------------------------------------------------------------- abort notices

    /**
     * Sends every other rank but {@code skip} an abort notice and waits (2 s at most) for MPJ to take them. Under the
     * lock when it can be had within 0.2 s; else without it: the rank's code usually closed its session
     * on the way out (try-with-resources), and the closing thread then holds the lock inside
     * MPI.Finalize, a barrier the other ranks never reach. The notice touches none of the state the
     * lock guards; that MPJ takes an Isend from this thread while the other waits in Finalize is what
     * MpjFailingRankIT checks on niodev (best effort: a rank that cannot send it ends anyway).
     */
    private void notifyOthers(String notice, int skip) {
        byte[] text = notice.getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + 2_000_000_000L;
        boolean locked;
        try {
            locked = lock.tryLock(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        try {
            ArrayList<mpi.Request> out = new ArrayList<>();
            for (int r = 0; r < size; r++) {
                if (r == rank || r == skip) continue;
                try {
                    out.add(wire.Isend(text, 0, text.length, MPI.BYTE, r, WireTag.abortNotice()));
                } catch (RuntimeException e) {
                    // that rank is gone already: tell the others
                }
            }
            while (!out.isEmpty() && System.nanoTime() - deadline < 0) {
                for (int i = out.size() - 1; i >= 0; i--) {
                    try {
                        if (out.get(i).Test() != null) out.remove(i);
                    } catch (RuntimeException e) {
                        out.remove(i);
                    }
                }
                if (!out.isEmpty()) LockSupport.parkNanos(100_000L);
            }
        } finally {
            if (locked) lock.unlock();
        }
    }

    /** Takes an abort notice off MPJ if one is there (the progress thread's look on a cluster device). Lock held. */
    private void takeAbortNotice() {
        try {
            mpi.Status st;
            synchronized (probeLock) {
                st = wire.Iprobe(MPI.ANY_SOURCE, WireTag.abortNotice());
            }
            if (st != null) receiveAbortNotice(st);
        } catch (RuntimeException e) {
            // the rank's own next operation reports MPJ's failure
        }
    }

    /** Receives the abort notice {@code st} found and ends this rank's part of the job ({@link #end}). Lock held. */
    private void receiveAbortNotice(mpi.Status st) {
        byte[] text = new byte[st.Get_count(MPI.BYTE)];
        wire.Recv(text, 0, text.length, MPI.BYTE, st.source, st.tag);
        if (aborted != null) return;
        end(st.source, new String(text, StandardCharsets.UTF_8));
    }

    /**
     * Ends this rank's part of a job that rank {@code source} ended, for {@code reason}: every posted
     * receive and unfinished send fails with ABORTED ("the job was ended because REASON"), as does
     * every later operation; the rank watching this one is told why; the rank is halted with status 1
     * after the abort grace unless its code ends it first. Lock held.
     */
    private void end(int source, String reason) {
        CohortException a = new CohortException(ErrorClass.ABORTED, source, "the job was ended because " + reason);
        aborted = a;
        leaving(reason);
        for (MpjOp op = postedHead; op != null; ) {
            MpjOp next = op.next;
            op.next = null;
            failAborted(op, a);
            op = next;
        }
        postedHead = null;
        postedTail = null;
        for (MpjOp op : sending) failAborted(op, a);
        sending.clear();
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(ABORT_GRACE_MILLIS);
            } catch (InterruptedException e) {
                // halt now
            }
            System.err.println("cohort: rank " + rank + " ended: " + a.detail());
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }, "cohort-mpj-abort-" + rank);
        halt.setDaemon(true);
        halt.start();
    }

    /**
     * The rank this one watches ({@link PeerWatch}) ended without closing its session and without
     * an abort notice: it was killed by a signal, called System.exit, or crashed. This rank reports
     * it once, ends its own part of the job and sends every other rank an abort notice, as a failing
     * rank would have.
     */
    private void peerDied(int peer) {
        String what = "rank " + peer + "'s process ended without closing its session (killed by a signal, System.exit,"
                + " or a crash)";
        if (closed) {   // this rank is done with MPJ, but the ranks before it may still wait
            reportDeath(what);
            leaving(what);
            return;
        }
        lock.lock();
        try {
            if (closed || aborted != null) return;
            takeAbortNotice();   // a notice of its failure may be here already
            if (aborted != null) return;
            reportDeath(what);
            notifyOthers(what, peer);   // first: this rank's own code ends the process as soon as end() fails its wait
            end(peer, what);
        } finally {
            lock.unlock();
        }
    }

    private void reportDeath(String what) {
        System.err.println("cohort: " + what + "; rank " + rank + " ends the job");
        System.err.flush();
    }

    /** The rank this one watches ended its part of the job for {@code reason}: so does this one ({@link PeerWatch}). */
    private void peerEnded(String reason) {
        if (closed) {
            leaving(reason);   // pass it on: the ranks before this one may still wait
            return;
        }
        lock.lock();
        try {
            if (closed || aborted != null) return;
            end(rank, reason);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells the rank watching this one's process that its end is expected: a closed session
     * ({@code reason} null; this rank goes on watching the next one), or the end of the job for
     * {@code reason}, which that rank then passes on (once; a no-op off cluster devices).
     */
    void leaving(String reason) {
        if (watch == null) return;
        if (reason == null) watch.bye();
        else watch.end(reason);
    }

    private void failAborted(MpjOp op, CohortException a) {
        op.fail(new CohortException(ErrorClass.ABORTED, a.rank(), "rank " + rank + ": " + op.describe() + ": " + a.detail()));
    }

    /** Whether {@code t} is the error of a rank ended because another rank failed (it has nothing of its own to report). */
    static boolean endedByAnotherRank(Throwable t) {
        return t instanceof CohortException && ((CohortException) t).errorClass() == ErrorClass.ABORTED;
    }

    // ---------------------------------------------------------------- errors

    private CohortException error(MpjOp op, Exception e) {
        int r = op.comm == null ? rank : op.comm.rank();
        return new CohortException(ErrorClass.INTERN, rank, "rank " + r + ": " + op.describe() + ": MPJ Express failed: "
                + mpjMessage(e), e);
    }

    static String mpjMessage(Throwable e) {
        String m = e.getMessage();
        return m != null && !m.isBlank() ? m : e.toString();
    }
}
