package dev.cohort;

import dev.cohort.codec.ObjectCodec;
import dev.cohort.codec.ObjectCopier;
import dev.cohort.spi.CollectiveEngine;
import dev.cohort.spi.CollectiveEngineProvider;
import dev.cohort.spi.Transport;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.BinaryOperator;

/**
 * A communicator: a group of ranks that exchange messages in a context of their own, so messages on
 * different communicators never match each other. {@code world()} of a {@link Cohort} session holds
 * every rank.
 *
 * <p><b>Buffer path and object path.</b> Methods taking a primitive array or ByteBuffer move elements
 * (one copy on the local transport, none where the transport can avoid it); the {@code *Object} methods
 * encode any allowed object with the session's codec (see {@link dev.cohort.codec.CodecPolicy}).
 *
 * <p><b>Threads.</b> A communicator belongs to its rank; any thread of that rank may call it
 * concurrently. Blocking calls return when the buffer may be reused (sends) or holds the message
 * (receives). Nonblocking calls return a {@link Request}; the buffer belongs to Cohort until it completes.
 *
 * <p><b>Errors.</b> Every argument is checked; a bad one throws a {@link CohortException} naming this
 * rank, the operation, its peer, tag and counts, and the error class. A receive whose buffer is too
 * small (TRUNCATE) or of another element type than the message (TYPE) fails without consuming the
 * message.
 */
public final class Comm extends CommCollectives {
    /** Receive from any source. */
    public static final int ANY_SOURCE = -1;
    /** Receive with any tag. */
    public static final int ANY_TAG = -1;
    /** The null peer: operations with it complete at once and move nothing. */
    public static final int PROC_NULL = -2;
    /** MPI's UNDEFINED: a split color that gives no communicator, a rank not in a group. */
    public static final int UNDEFINED = -32766;

    private final Cohort session;
    private final Transport transport;
    private final String name;
    private final int rank;
    private final int size;
    /** World rank of each rank of this communicator; null when it is the world (identity). */
    private final int[] worldRanks;
    /** Rank in this communicator of each world rank (-1 when absent); null for the world. */
    private final int[] commRanks;
    private final int context;
    private final int collContext;
    private volatile boolean freed;
    private volatile CollectiveEngine engine;
    /** The Cartesian grid of a communicator made by createCart or sub, else null. */
    private final CartTopology cart;

    Comm(Cohort session, Transport transport, String name, int[] worldRanks, int context, int collContext) {
        this(session, transport, name, worldRanks, context, collContext, null);
    }

    Comm(Cohort session, Transport transport, String name, int[] worldRanks, int context, int collContext, CartTopology cart) {
        this.cart = cart;
        this.session = session;
        this.transport = transport;
        this.name = name;
        this.worldRanks = worldRanks;
        this.context = context;
        this.collContext = collContext;
        if (worldRanks == null) {
            this.size = transport.size();
            this.rank = transport.rank();
            this.commRanks = null;
        } else {
            this.size = worldRanks.length;
            this.commRanks = new int[transport.size()];
            java.util.Arrays.fill(commRanks, -1);
            for (int i = 0; i < worldRanks.length; i++) commRanks[worldRanks[i]] = i;
            this.rank = commRanks[transport.rank()];
        }
        if (context != 0) transport.commCreated(this);
    }

    /** This rank's number in the communicator, 0..size-1. */
    public int rank() {
        return rank;
    }

    /** Number of ranks in the communicator. */
    public int size() {
        return size;
    }

    /** The communicator's name, used in error messages (WORLD for the world). */
    public String name() {
        return name;
    }

    /** The largest tag a message may carry (tags run from 0). */
    public int tagUpperBound() {
        return transport.tagUpperBound();
    }

    /** The session this communicator belongs to. */
    public Cohort session() {
        return session;
    }

    @Override
    public String toString() {
        return "Comm[" + name + ", rank " + rank + " of " + size + "]";
    }

    // ---------------------------------------------------------------- rank translation

    /** The world rank of a rank of this communicator. */
    public int worldRankOf(int commRank) {
        return worldRanks == null ? commRank : worldRanks[commRank];
    }

    /** The rank in this communicator of a world rank, or -1 when that rank is not a member. */
    public int commRankOf(int worldRank) {
        return commRanks == null ? worldRank : commRanks[worldRank];
    }

    ObjectCodec codec() {
        return session.codec();
    }

    Transport transport() {
        return transport;
    }

    int context() {
        return context;
    }

    /**
     * The context id this communicator's messages are matched in; together with its lowest world rank it
     * identifies the communicator across its ranks (for transports and collective engines).
     */
    public int contextId() {
        return context;
    }

    int collContext() {
        return collContext;
    }

    // ---------------------------------------------------------------- checks

    private CohortException error(ErrorClass c, String op, String detail) {
        return new CohortException(c, worldRankOf(rank), "rank " + rank + ": " + op + " on " + name + ": " + detail);
    }

    private void checkLive(String op) {
        if (freed) throw error(ErrorClass.COMM, op, "the communicator was freed");
        session.checkOpen(op);
    }

    private void checkBuffer(Object buf, ElementType t, int offset, int count, String op, boolean writes) {
        if (buf == null) throw error(ErrorClass.BUFFER, op, "the buffer is null");
        if (count < 0) throw error(ErrorClass.COUNT, op, "count " + count + " is negative");
        int cap = ElementType.capacity(buf);
        if (offset < 0 || offset > cap || count > cap - offset) {
            throw error(ErrorClass.BUFFER, op, "offset " + offset + " + count " + count + " lies outside the buffer of "
                    + cap + " " + t);
        }
        if (writes && buf instanceof ByteBuffer && ((ByteBuffer) buf).isReadOnly()) {
            throw error(ErrorClass.BUFFER, op, "the receive buffer is a read-only ByteBuffer");
        }
    }

    private void checkSendTag(int tag, String op) {
        if (tag < 0 || tag > transport.tagUpperBound()) {
            throw error(ErrorClass.TAG, op, "tag " + tag + " is outside 0.." + transport.tagUpperBound()
                    + (tag == ANY_TAG ? " (ANY_TAG is only for receives)" : ""));
        }
    }

    private void checkRecvTag(int tag, String op) {
        if (tag != ANY_TAG && (tag < 0 || tag > transport.tagUpperBound())) {
            throw error(ErrorClass.TAG, op, "tag " + tag + " is outside 0.." + transport.tagUpperBound() + " and is not ANY_TAG");
        }
    }

    /** World rank of a destination, or PROC_NULL. */
    private int destination(int dest, String op) {
        if (dest == PROC_NULL) return PROC_NULL;
        if (dest < 0 || dest >= size) {
            throw error(ErrorClass.RANK, op, "destination " + dest + " is not a rank of " + name + " (size " + size + ")"
                    + (dest == ANY_SOURCE ? "; ANY_SOURCE is only for receives" : ""));
        }
        return worldRankOf(dest);
    }

    /** World rank of a source, ANY_SOURCE or PROC_NULL. */
    private int source(int source, String op) {
        if (source == PROC_NULL || source == ANY_SOURCE) return source;
        if (source < 0 || source >= size) {
            throw error(ErrorClass.RANK, op, "source " + source + " is not a rank of " + name + " (size " + size + ")");
        }
        return worldRankOf(source);
    }

    // ---------------------------------------------------------------- buffer point-to-point

    @Override
    void send0(Object buf, ElementType t, int offset, int count, int dest, int tag, boolean sync) {
        String op = sync ? "ssend" : "send";
        checkLive(op);
        checkBuffer(buf, t, offset, count, op, false);
        checkSendTag(tag, op);
        int wd = destination(dest, op);
        if (wd == PROC_NULL) return;
        transport.send(this, buf, t, offset, count, wd, tag, context, sync);
    }

    @Override
    Status recv0(Object buf, ElementType t, int offset, int count, int source, int tag) {
        checkLive("recv");
        checkBuffer(buf, t, offset, count, "recv", true);
        checkRecvTag(tag, "recv");
        int ws = source(source, "recv");
        if (ws == PROC_NULL) return Status.EMPTY;
        return transport.recv(this, buf, t, offset, count, ws, tag, context);
    }

    @Override
    Request isend0(Object buf, ElementType t, int offset, int count, int dest, int tag, boolean sync) {
        String op = sync ? "issend" : "isend";
        checkLive(op);
        checkBuffer(buf, t, offset, count, op, false);
        checkSendTag(tag, op);
        int wd = destination(dest, op);
        if (wd == PROC_NULL) return new NullRequest(this, op, true);
        return transport.isend(this, buf, t, offset, count, wd, tag, context, sync);
    }

    @Override
    Request irecv0(Object buf, ElementType t, int offset, int count, int source, int tag) {
        checkLive("irecv");
        checkBuffer(buf, t, offset, count, "irecv", true);
        checkRecvTag(tag, "irecv");
        int ws = source(source, "irecv");
        if (ws == PROC_NULL) return new NullRequest(this, "irecv", true);
        return transport.irecv(this, buf, t, offset, count, ws, tag, context);
    }

    @Override
    PersistentRequest sendInit0(Object buf, ElementType t, int offset, int count, int dest, int tag, boolean sync) {
        String op = sync ? "ssendInit" : "sendInit";
        checkLive(op);
        checkBuffer(buf, t, offset, count, op, false);
        checkSendTag(tag, op);
        int wd = destination(dest, op);
        if (wd == PROC_NULL) return new NullRequest(this, op, false);
        return transport.sendInit(this, buf, t, offset, count, wd, tag, context, sync);
    }

    @Override
    PersistentRequest recvInit0(Object buf, ElementType t, int offset, int count, int source, int tag) {
        checkLive("recvInit");
        checkBuffer(buf, t, offset, count, "recvInit", true);
        checkRecvTag(tag, "recvInit");
        int ws = source(source, "recvInit");
        if (ws == PROC_NULL) return new NullRequest(this, "recvInit", false);
        return transport.recvInit(this, buf, t, offset, count, ws, tag, context);
    }

    @Override
    Status sendrecv0(Object sbuf, ElementType t, int soff, int scount, int dest, int stag,
                     Object rbuf, int roff, int rcount, int source, int rtag) {
        Request r = irecv0(rbuf, t, roff, rcount, source, rtag);
        try {
            send0(sbuf, t, soff, scount, dest, stag, false);
        } catch (CohortException e) {
            r.free();
            throw e;
        }
        return r.await();
    }

    @Override
    Status sendrecvReplace0(Object buf, ElementType t, int offset, int count, int dest, int stag, int source, int rtag) {
        checkLive("sendrecvReplace");
        checkBuffer(buf, t, offset, count, "sendrecvReplace", true);
        Object copy = t.newArray(count);
        dev.cohort.spi.Copier.copy(buf, offset, copy, 0, count);
        Request s = isend0(copy, t, 0, count, dest, stag, false);
        Status st;
        try {
            st = recv0(buf, t, offset, count, source, rtag);
        } catch (CohortException e) {
            s.free();
            throw e;
        }
        s.await();
        return st;
    }

    // ---------------------------------------------------------------- probe

    /** Returns the envelope of a message that a receive with these arguments would match, or null. Never blocks. */
    public Status iprobe(int source, int tag) {
        checkLive("iprobe");
        checkRecvTag(tag, "iprobe");
        int ws = source(source, "iprobe");
        if (ws == PROC_NULL) return Status.EMPTY;
        return transport.iprobe(this, ws, tag, context);
    }

    /** Blocks until a message that a receive with these arguments would match is there; returns its envelope. */
    public Status probe(int source, int tag) {
        checkLive("probe");
        checkRecvTag(tag, "probe");
        int ws = source(source, "probe");
        if (ws == PROC_NULL) return Status.EMPTY;
        return transport.probe(this, ws, tag, context);
    }

    // ---------------------------------------------------------------- objects

    /**
     * What an object message carries: where the ranks share the heap, the copier's tape of the value
     * (an Object[], rebuilt into a copy by the receiver) when the copier handles its classes, else (and
     * on every other transport) the value's encoding (a byte[]).
     */
    private Object payload(Object value, String op) {
        if (session.copiesObjects) {
            Object[] tape = ObjectCopier.flatten(value);
            if (tape != null) return tape;
        }
        return encode(value, op);
    }

    /** An object message's count: bytes of its encoding, 0 for a copy. */
    private static int payloadCount(Object payload) {
        return payload instanceof byte[] b ? b.length : 0;
    }

    /** The object an object message's payload stands for, decoded or rebuilt on the receiving thread. */
    Object objectOf(Object payload) {
        if (payload == null) return null;   // a cancelled receive, or PROC_NULL
        if (payload instanceof Object[] tape) return ObjectCopier.rebuild(tape);
        byte[] b = (byte[]) payload;
        return decode(b, 0, b.length);
    }

    private byte[] encode(Object value, String op) {
        try {
            ObjectCodec c = codec();
            synchronized (c) {
                return c.encode(value);
            }
        } catch (CohortException e) {
            throw new CohortException(e.errorClass(), worldRankOf(rank),
                    "rank " + rank + ": " + op + " on " + name + ": " + e.getMessage(), e);
        }
    }

    /** Sends an object (null allowed), encoded with the session's codec. Returns once the encoding is handed over. */
    public void sendObject(Object value, int dest, int tag) {
        checkLive("sendObject");
        checkSendTag(tag, "sendObject");
        int wd = destination(dest, "sendObject");
        if (wd == PROC_NULL) return;
        Object p = payload(value, "sendObject");
        transport.send(this, p, ElementType.OBJECT, 0, payloadCount(p), wd, tag, context, false);
    }

    /** Sends an object and returns once a receive has matched it. */
    public void ssendObject(Object value, int dest, int tag) {
        checkLive("ssendObject");
        checkSendTag(tag, "ssendObject");
        int wd = destination(dest, "ssendObject");
        if (wd == PROC_NULL) return;
        Object p = payload(value, "ssendObject");
        transport.send(this, p, ElementType.OBJECT, 0, payloadCount(p), wd, tag, context, true);
    }

    /** Starts sending an object; the object is encoded before this returns, so it may be changed afterwards. */
    public Request isendObject(Object value, int dest, int tag) {
        checkLive("isendObject");
        checkSendTag(tag, "isendObject");
        int wd = destination(dest, "isendObject");
        if (wd == PROC_NULL) return new NullRequest(this, "isendObject", true);
        Object p = payload(value, "isendObject");
        return transport.isend(this, p, ElementType.OBJECT, 0, payloadCount(p), wd, tag, context, false);
    }

    /** Receives an object sent with one of the *Object sends. */
    @SuppressWarnings("unchecked")
    public <T> T recvObject(int source, int tag) {
        checkLive("recvObject");
        checkRecvTag(tag, "recvObject");
        int ws = source(source, "recvObject");
        if (ws == PROC_NULL) return null;
        return (T) objectOf(transport.recvObject(this, ws, tag, context).resultPayload);
    }

    /** Starts receiving an object; {@link ObjectRequest#get()} waits for and decodes it. */
    public <T> ObjectRequest<T> irecvObject(int source, int tag) {
        checkLive("irecvObject");
        checkRecvTag(tag, "irecvObject");
        int ws = source(source, "irecvObject");
        Request inner = ws == PROC_NULL ? new NullRequest(this, "irecvObject", true)
                : transport.irecv(this, null, ElementType.OBJECT, 0, 0, ws, tag, context);
        return new ObjectRequest<>(this, inner);
    }

    /** Sends an object and receives one in one call. */
    public <T> T sendrecvObject(Object value, int dest, int sendTag, int source, int recvTag) {
        ObjectRequest<T> r = irecvObject(source, recvTag);
        try {
            sendObject(value, dest, sendTag);
        } catch (CohortException e) {
            r.free();
            throw e;
        }
        return r.get();
    }

    // ---------------------------------------------------------------- collectives: engine

    private static volatile CollectiveEngineProvider defaultCollectives;

    /** For transports and tests: the engine that runs this communicator's collectives. */
    public CollectiveEngine collectiveEngine() {
        CollectiveEngine e = engine;
        if (e != null) return e;
        synchronized (this) {
            if (engine == null) {
                CollectiveEngineProvider p = transport.capability(CollectiveEngineProvider.class);
                if (p == null) p = defaultProvider();
                if (p == null) {
                    throw error(ErrorClass.UNSUPPORTED, "collective",
                            "no collective engine on the class path: add the cohort collectives module (dev.cohort:collectives)");
                }
                engine = p.engineFor(this, new CollChannel(this));
            }
            return engine;
        }
    }

    private volatile CollectiveEngine blockingEngine;

    /**
     * The engine for a call whose caller waits for the request right away: the collective engine's
     * {@link CollectiveEngine#forBlockingCalls()}, which may run the operation to completion before
     * returning (a native transport's blocking MPI collective).
     */
    private CollectiveEngine blockingEngine() {
        CollectiveEngine e = blockingEngine;
        if (e == null) blockingEngine = e = collectiveEngine().forBlockingCalls();
        return e;
    }

    private CollectiveEngine engine(boolean blocking) {
        return blocking ? blockingEngine() : collectiveEngine();
    }

    private static CollectiveEngineProvider defaultProvider() {
        CollectiveEngineProvider p = defaultCollectives;
        if (p == null) {
            for (CollectiveEngineProvider q : ServiceLoader.load(CollectiveEngineProvider.class, Comm.class.getClassLoader())) {
                p = q;
                break;
            }
            defaultCollectives = p;
        }
        return p;
    }

    // ---------------------------------------------------------------- collectives: checks

    private void checkRoot(int root, String op) {
        if (root < 0 || root >= size) {
            throw error(ErrorClass.ROOT, op, "root " + root + " is not a rank of " + name + " (size " + size + ")");
        }
    }

    private void checkOp(Op o, ElementType t, int count, String op) {
        if (o == null) throw error(ErrorClass.OP, op, "the operation is null");
        if (!o.supports(t)) throw error(ErrorClass.OP, op, o.name() + " is not defined on " + t);
        if (o.isLoc() && (count & 1) != 0) {
            throw error(ErrorClass.COUNT, op, o.name() + " works on (value, index) pairs: count " + count + " must be even");
        }
    }

    private void checkArrayForReduction(Object buf, String op) {
        if (buf instanceof ByteBuffer) {
            throw error(ErrorClass.BUFFER, op, "reductions take primitive arrays, not ByteBuffers (use byte[] or the buffer's array)");
        }
    }

    private static boolean sameArray(Object a, Object b) {
        return a != null && a == b;
    }

    /** Checks per-rank counts and displacements; with {@code receiving}, also that the blocks do not overlap. */
    private void checkBlocks(int[] counts, int[] displs, Object buf, int offset, String what, String op, boolean receiving) {
        if (counts == null) throw error(ErrorClass.COUNT, op, what + " counts are null");
        if (counts.length != size) {
            throw error(ErrorClass.COUNT, op, what + " counts has " + counts.length + " entries; the communicator has " + size + " ranks");
        }
        if (displs != null && displs.length != size) {
            throw error(ErrorClass.COUNT, op, what + " displacements has " + displs.length + " entries; the communicator has " + size + " ranks");
        }
        int cap = buf == null ? -1 : ElementType.capacity(buf);
        for (int r = 0; r < size; r++) {
            if (counts[r] < 0) throw error(ErrorClass.COUNT, op, what + " count for rank " + r + " is negative: " + counts[r]);
            if (displs != null && displs[r] < 0) {
                throw error(ErrorClass.BUFFER, op, what + " displacement for rank " + r + " is negative: " + displs[r]);
            }
        }
        if (buf == null) throw error(ErrorClass.BUFFER, op, "the " + what + " buffer is null");
        if (displs == null) return;
        for (int r = 0; r < size; r++) {
            if ((long) offset + displs[r] + counts[r] > cap) {
                throw error(ErrorClass.BUFFER, op, what + " block of rank " + r + " [" + displs[r] + ", " + (displs[r] + counts[r])
                        + ") from offset " + offset + " lies outside the buffer of " + cap);
            }
        }
        if (!receiving) return;
        Integer[] order = new Integer[size];
        for (int r = 0; r < size; r++) order[r] = r;
        Arrays.sort(order, (a, b) -> Integer.compare(displs[a], displs[b]));
        int prev = -1;
        for (int i = 0; i < size; i++) {
            int r = order[i];
            if (counts[r] == 0) continue;
            if (prev >= 0 && displs[prev] + counts[prev] > displs[r]) {
                throw error(ErrorClass.BUFFER, op, "receive blocks overlap: rank " + prev + " gets [" + displs[prev] + ", "
                        + (displs[prev] + counts[prev]) + ") and rank " + r + " gets [" + displs[r] + ", " + (displs[r] + counts[r]) + ")");
            }
            prev = r;
        }
    }

    private static int[] uniform(int n, int count) {
        int[] a = new int[n];
        Arrays.fill(a, count);
        return a;
    }

    private static int[] prefix(int[] counts) {
        int[] d = new int[counts.length];
        long acc = 0;
        for (int i = 0; i < counts.length; i++) {
            d[i] = (int) acc;
            acc += counts[i];
        }
        return d;
    }

    private static Object copyRange(Object buf, ElementType t, int offset, int count) {
        Object c = t.newArray(count);
        dev.cohort.spi.Copier.copy(buf, offset, c, 0, count);
        return c;
    }

    /** -1: disjoint or different arrays; 0: the same range (in place); 1: partial overlap. */
    private static int alias(Object a, int aOff, int aCount, Object b, int bOff, int bCount) {
        if (!sameArray(a, b)) return -1;
        if (aOff == bOff && aCount == bCount) return 0;
        return aOff < bOff + bCount && bOff < aOff + aCount ? 1 : -1;
    }

    // ---------------------------------------------------------------- collectives: generic forms

    /** Blocks until every rank of the communicator has called barrier. */
    public void barrier() {
        checkLive("barrier");
        blockingEngine().barrier().waitFor();
    }

    /** Nonblocking barrier: completes once every rank has started it. */
    public Request ibarrier() {
        checkLive("barrier");
        return progressed(collectiveEngine().barrier());
    }

    @Override
    Request progressed(Request r) {
        if (r instanceof CollectiveRequest) ((CollectiveRequest) r).registerForProgress();
        return r;
    }

    @Override
    Request bcast0(Object buf, ElementType t, int offset, int count, int root, boolean blocking) {
        checkLive("bcast");
        checkRoot(root, "bcast");
        checkBuffer(buf, t, offset, count, "bcast", true);
        return engine(blocking).bcast(buf, t, offset, count, root);
    }

    private static final String[] REDUCE_NAMES = {"reduce", "allreduce", "scan", "exscan"};

    @Override
    Request reduce0(int kind, Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op o, int root, boolean blocking) {
        String op = REDUCE_NAMES[kind];
        checkLive(op);
        if (kind == 0) checkRoot(root, op);
        checkOp(o, t, count, op);
        boolean receives = kind != 0 || rank == root;
        checkArrayForReduction(send, op);
        checkArrayForReduction(recv, op);
        if (receives) checkBuffer(recv, t, recvOffset, count, op, true);
        int a = receives ? alias(send, sendOffset, count, recv, recvOffset, count) : -1;
        if (a == 0) {
            send = null; // in place
        } else {
            checkBuffer(send, t, sendOffset, count, op, false);
            if (a == 1) {
                send = copyRange(send, t, sendOffset, count);
                sendOffset = 0;
            }
        }
        CollectiveEngine e = engine(blocking);
        switch (kind) {
            case 0: return e.reduce(send, sendOffset, receives ? recv : null, recvOffset, count, t, o, root);
            case 1: return e.allreduce(send, sendOffset, recv, recvOffset, count, t, o);
            case 2: return e.scan(send, sendOffset, recv, recvOffset, count, t, o);
            default: return e.exscan(send, sendOffset, recv, recvOffset, count, t, o);
        }
    }

    @Override
    Request gather0(Object send, int sendOffset, int sendCount, Object recv, int recvOffset, int[] counts, int[] displs,
                    ElementType t, int root, boolean all, boolean blocking) {
        String op = (all ? "allgather" : "gather") + (counts != null ? "v" : "");
        checkLive(op);
        if (!all) checkRoot(root, op);
        boolean receives = all || rank == root;
        if (counts == null) {
            if (sendCount < 0) throw error(ErrorClass.COUNT, op, "count " + sendCount + " is negative");
            counts = uniform(size, sendCount);
            displs = prefix(counts);
        } else if (receives && displs == null) {
            throw error(ErrorClass.BUFFER, op, "displacements are null");
        }
        if (receives) {
            checkBlocks(counts, displs, recv, recvOffset, "receive", op, true);
            if (counts[rank] != sendCount && !(sameArray(send, recv))) {
                throw error(ErrorClass.COUNT, op, "this rank sends " + sendCount + " elements but counts[" + rank + "] is " + counts[rank]);
            }
        }
        int a = receives ? alias(send, sendOffset, sendCount, recv, recvOffset + displs[rank], counts[rank]) : -1;
        if (a == 0) {
            send = null;
        } else {
            checkBuffer(send, t, sendOffset, sendCount, op, false);
            if (a == 1 || (receives && sameArray(send, recv))) {
                send = copyRange(send, t, sendOffset, sendCount);
                sendOffset = 0;
            }
        }
        CollectiveEngine e = engine(blocking);
        if (all) return e.allgatherv(send, sendOffset, sendCount, recv, recvOffset, counts, displs, t);
        return e.gatherv(send, sendOffset, sendCount, receives ? recv : null, recvOffset, receives ? counts : null,
                receives ? displs : null, t, root);
    }

    @Override
    Request scatter0(Object send, int sendOffset, int[] counts, int[] displs, Object recv, int recvOffset, int recvCount,
                     ElementType t, int root, boolean blocking) {
        String op = counts != null ? "scatterv" : "scatter";
        checkLive(op);
        checkRoot(root, op);
        boolean sends = rank == root;
        if (recvCount < 0) throw error(ErrorClass.COUNT, op, "count " + recvCount + " is negative");
        if (counts == null) {
            counts = uniform(size, recvCount);
            displs = prefix(counts);
        }
        if (sends) {
            if (displs == null) throw error(ErrorClass.BUFFER, op, "displacements are null");
            checkBlocks(counts, displs, send, sendOffset, "send", op, false);
            if (counts[rank] != recvCount && !sameArray(send, recv)) {
                throw error(ErrorClass.COUNT, op, "the root receives " + recvCount + " elements but counts[" + rank + "] is " + counts[rank]);
            }
        }
        int a = sends ? alias(recv, recvOffset, recvCount, send, sendOffset + displs[rank], counts[rank]) : -1;
        if (a == 0) {
            recv = null; // in place: the root's block stays where it is
        } else {
            checkBuffer(recv, t, recvOffset, recvCount, op, true);
            if (a == 1 || (sends && sameArray(send, recv))) {
                long total = 0;
                for (int i = 0; i < size; i++) total = Math.max(total, (long) displs[i] + counts[i]);
                send = copyRange(send, t, sendOffset, (int) total);
                sendOffset = 0;
            }
        }
        return engine(blocking).scatterv(sends ? send : null, sendOffset, sends ? counts : null, sends ? displs : null,
                recv, recvOffset, recvCount, t, root);
    }

    @Override
    Request alltoall0(Object send, int sendOffset, int[] sendCounts, int[] sendDispls, Object recv, int recvOffset,
                      int[] recvCounts, int[] recvDispls, ElementType t, int uniformCount, boolean blocking) {
        String op = uniformCount >= 0 ? "alltoall" : "alltoallv";
        checkLive(op);
        if (uniformCount >= 0 || sendCounts == null) {
            if (uniformCount < 0) throw error(ErrorClass.COUNT, op, "send counts are null");
            sendCounts = uniform(size, uniformCount);
            sendDispls = prefix(sendCounts);
            recvCounts = sendCounts;
            recvDispls = sendDispls;
        }
        if (sendDispls == null || recvDispls == null) throw error(ErrorClass.BUFFER, op, "displacements are null");
        checkBlocks(sendCounts, sendDispls, send, sendOffset, "send", op, false);
        checkBlocks(recvCounts, recvDispls, recv, recvOffset, "receive", op, true);
        if (sameArray(send, recv)) {
            long total = 0;
            for (int i = 0; i < size; i++) total = Math.max(total, (long) sendDispls[i] + sendCounts[i]);
            send = copyRange(send, t, sendOffset, (int) total);
            sendOffset = 0;
        }
        return engine(blocking).alltoallv(send, sendOffset, sendCounts, sendDispls, recv, recvOffset, recvCounts, recvDispls, t);
    }

    @Override
    Request reduceScatter0(Object send, int sendOffset, Object recv, int recvOffset, int[] counts, ElementType t, Op o, int block, boolean blocking) {
        String op = counts == null ? "reduceScatterBlock" : "reduceScatter";
        checkLive(op);
        if (counts == null) {
            if (block < 0) throw error(ErrorClass.COUNT, op, "count " + block + " is negative");
            counts = uniform(size, block);
        }
        checkBlocks(counts, null, recv == null ? new byte[0] : recv, 0, "receive", op, false);
        long total = 0;
        for (int c : counts) total += c;
        if (total > Integer.MAX_VALUE) throw error(ErrorClass.COUNT, op, "the counts add up to more than 2^31-1 elements");
        checkOp(o, t, (int) total, op);
        for (int c : counts) if (o.isLoc() && (c & 1) != 0) checkOp(o, t, c, op);
        checkArrayForReduction(send, op);
        checkArrayForReduction(recv, op);
        checkBuffer(recv, t, recvOffset, counts[rank], op, true);
        if (sameArray(send, recv) && sendOffset == recvOffset) {
            send = null; // in place: the receive buffer holds the whole input
            checkBuffer(recv, t, recvOffset, (int) total, op, true);
        } else {
            checkBuffer(send, t, sendOffset, (int) total, op, false);
            if (sameArray(send, recv)) {
                send = copyRange(send, t, sendOffset, (int) total);
                sendOffset = 0;
            }
        }
        return engine(blocking).reduceScatter(send, sendOffset, recv, recvOffset, counts, t, o);
    }

    // ---------------------------------------------------------------- collectives: scalars

    /** Allreduce of one double. */
    public double allreduce(double value, Op op) {
        double[] a = {value};
        reduce0(1, a, 0, a, 0, 1, ElementType.DOUBLE, op, 0, true).await();
        return a[0];
    }

    /** Allreduce of one long. */
    public long allreduce(long value, Op op) {
        long[] a = {value};
        reduce0(1, a, 0, a, 0, 1, ElementType.LONG, op, 0, true).await();
        return a[0];
    }

    /** Allreduce of one int. */
    public int allreduce(int value, Op op) {
        int[] a = {value};
        reduce0(1, a, 0, a, 0, 1, ElementType.INT, op, 0, true).await();
        return a[0];
    }

    /** Allreduce of one boolean (LAND, LOR, LXOR, BAND, BOR, BXOR). */
    public boolean allreduce(boolean value, Op op) {
        boolean[] a = {value};
        reduce0(1, a, 0, a, 0, 1, ElementType.BOOLEAN, op, 0, true).await();
        return a[0];
    }

    /** Reduce of one double to the root; other ranks get their own value back. */
    public double reduce(double value, Op op, int root) {
        double[] a = {value}, r = {value};
        reduce0(0, a, 0, r, 0, 1, ElementType.DOUBLE, op, root, true).await();
        return r[0];
    }

    /** Reduce of one long to the root; other ranks get their own value back. */
    public long reduce(long value, Op op, int root) {
        long[] a = {value}, r = {value};
        reduce0(0, a, 0, r, 0, 1, ElementType.LONG, op, root, true).await();
        return r[0];
    }

    /** Inclusive scan of one double. */
    public double scan(double value, Op op) {
        double[] a = {value};
        reduce0(2, a, 0, a, 0, 1, ElementType.DOUBLE, op, 0, true).await();
        return a[0];
    }

    /** Inclusive scan of one long. */
    public long scan(long value, Op op) {
        long[] a = {value};
        reduce0(2, a, 0, a, 0, 1, ElementType.LONG, op, 0, true).await();
        return a[0];
    }

    /** Exclusive scan of one long; rank 0 gets {@code identity}. */
    public long exscan(long value, Op op, long identity) {
        long[] a = {value}, r = {identity};
        reduce0(3, a, 0, r, 0, 1, ElementType.LONG, op, 0, true).await();
        return r[0];
    }

    /** A (value, index) pair, the result of {@link #allreduceLoc}. */
    public static final class Loc {
        private final double value;
        private final long index;

        public Loc(double value, long index) {
            this.value = value;
            this.index = index;
        }

        public double value() {
            return value;
        }

        public long index() {
            return index;
        }

        @Override
        public String toString() {
            return "(" + value + ", " + index + ")";
        }
    }

    /** MINLOC / MAXLOC of one (value, index) pair over all ranks; ties give the lower index. */
    public Loc allreduceLoc(double value, long index, Op op) {
        if (op == null || !op.isLoc()) throw error(ErrorClass.OP, "allreduceLoc", "the operation must be MINLOC or MAXLOC, got " + op);
        double[] a = {value, index};
        reduce0(1, a, 0, a, 0, 2, ElementType.DOUBLE, op, 0, true).await();
        return new Loc(a[0], (long) a[1]);
    }

    // ---------------------------------------------------------------- collectives: objects

    private byte[][] encodeAll(List<?> values, String op) {
        byte[][] out = new byte[values.size()][];
        for (int i = 0; i < out.length; i++) out[i] = encode(values.get(i), op);
        return out;
    }

    private Object decode(byte[] buf, int off, int len) {
        ObjectCodec c = codec();
        synchronized (c) {
            return c.decode(buf, off, len);
        }
    }

    private static byte[] concat(byte[][] parts, int[] lengths) {
        int total = 0;
        for (byte[] p : parts) total += p.length;
        byte[] all = new byte[total];
        int at = 0;
        for (int i = 0; i < parts.length; i++) {
            System.arraycopy(parts[i], 0, all, at, parts[i].length);
            lengths[i] = parts[i].length;
            at += parts[i].length;
        }
        return all;
    }

    /** Broadcasts an object from the root; every rank returns it (the root its own instance, others a copy). */
    @SuppressWarnings("unchecked")
    public <T> T bcastObject(T value, int root) {
        checkLive("bcastObject");
        checkRoot(root, "bcastObject");
        byte[] bytes = rank == root ? encode(value, "bcastObject") : null;
        int[] len = {bytes == null ? 0 : bytes.length};
        bcast0(len, ElementType.INT, 0, 1, root, true).await();
        if (rank != root) bytes = new byte[len[0]];
        bcast0(bytes, ElementType.BYTE, 0, len[0], root, true).await();
        return rank == root ? value : (T) decode(bytes, 0, bytes.length);
    }

    /** Gathers one object from every rank to the root, in rank order; other ranks get null. */
    public <T> List<T> gatherObjects(T value, int root) {
        return gatherObjects0(value, root, false);
    }

    /** Gathers one object from every rank to every rank, in rank order. */
    public <T> List<T> allgatherObjects(T value) {
        return gatherObjects0(value, 0, true);
    }

    @SuppressWarnings("unchecked")
    private <T> List<T> gatherObjects0(T value, int root, boolean all) {
        String op = all ? "allgatherObjects" : "gatherObjects";
        checkLive(op);
        if (!all) checkRoot(root, op);
        byte[] mine = encode(value, op);
        int[] lens = new int[size];
        int[] one = {mine.length};
        gather0(one, 0, 1, lens, 0, null, null, ElementType.INT, root, all, true).await();
        boolean receives = all || rank == root;
        int[] displs = prefix(lens);
        byte[] allBytes = receives ? new byte[displs[size - 1] + lens[size - 1]] : null;
        gather0(mine, 0, mine.length, allBytes, 0, receives ? lens : null, receives ? displs : null, ElementType.BYTE, root, all, true)
                .await();
        if (!receives) return null;
        List<T> out = new ArrayList<>(size);
        for (int r = 0; r < size; r++) out.add((T) decode(allBytes, displs[r], lens[r]));
        return out;
    }

    /** Scatters one object to each rank from the root's list (size() entries); returns this rank's. */
    @SuppressWarnings("unchecked")
    public <T> T scatterObjects(List<? extends T> values, int root) {
        checkLive("scatterObjects");
        checkRoot(root, "scatterObjects");
        int[] lens = new int[size];
        byte[] all = null;
        if (rank == root) {
            if (values == null) throw error(ErrorClass.BUFFER, "scatterObjects", "the list of values is null at the root");
            if (values.size() != size) {
                throw error(ErrorClass.COUNT, "scatterObjects", "the root's list holds " + values.size() + " values for " + size + " ranks");
            }
            all = concat(encodeAll(values, "scatterObjects"), lens);
        }
        int[] myLen = new int[1];
        scatter0(lens, 0, null, null, myLen, 0, 1, ElementType.INT, root, true).await();
        byte[] mine = new byte[myLen[0]];
        scatter0(all, 0, rank == root ? lens : null, rank == root ? prefix(lens) : null, mine, 0, myLen[0], ElementType.BYTE, root, true)
                .await();
        return (T) decode(mine, 0, mine.length);
    }

    /** Sends values.get(r) to rank r and returns what every rank sent to this one, by source rank. */
    @SuppressWarnings("unchecked")
    public <T> List<T> alltoallObjects(List<? extends T> values) {
        checkLive("alltoallObjects");
        if (values == null) throw error(ErrorClass.BUFFER, "alltoallObjects", "the list of values is null");
        if (values.size() != size) {
            throw error(ErrorClass.COUNT, "alltoallObjects", "the list holds " + values.size() + " values for " + size + " ranks");
        }
        int[] sendLens = new int[size];
        byte[] sendAll = concat(encodeAll(values, "alltoallObjects"), sendLens);
        int[] recvLens = new int[size];
        alltoall0(sendLens, 0, null, null, recvLens, 0, null, null, ElementType.INT, 1, true).await();
        int[] recvDispls = prefix(recvLens);
        byte[] recvAll = new byte[recvDispls[size - 1] + recvLens[size - 1]];
        alltoall0(sendAll, 0, sendLens, prefix(sendLens), recvAll, 0, recvLens, recvDispls, ElementType.BYTE, -1, true).await();
        List<T> out = new ArrayList<>(size);
        for (int r = 0; r < size; r++) out.add((T) decode(recvAll, recvDispls[r], recvLens[r]));
        return out;
    }

    private static <T> T fold(List<T> values, int upTo, BinaryOperator<T> op) {
        T acc = values.get(0);
        for (int i = 1; i < upTo; i++) acc = op.apply(acc, values.get(i));
        return acc;
    }

    /**
     * Reduces one object per rank with {@code op} in rank order ({@code x0 op x1 op ...}, so op need not
     * commute) at the root; other ranks get null.
     */
    public <T> T reduceObject(T value, BinaryOperator<T> op, int root) {
        if (op == null) throw error(ErrorClass.OP, "reduceObject", "the operator is null");
        List<T> all = gatherObjects(value, root);
        return all == null ? null : fold(all, size, op);
    }

    /** Reduces one object per rank with {@code op} in rank order; every rank gets the result. */
    public <T> T allreduceObject(T value, BinaryOperator<T> op) {
        if (op == null) throw error(ErrorClass.OP, "allreduceObject", "the operator is null");
        return fold(allgatherObjects(value), size, op);
    }

    /** Inclusive prefix reduction of objects in rank order: rank r gets x0 op ... op xr. */
    public <T> T scanObject(T value, BinaryOperator<T> op) {
        if (op == null) throw error(ErrorClass.OP, "scanObject", "the operator is null");
        return fold(allgatherObjects(value), rank + 1, op);
    }

    /** Exclusive prefix reduction of objects in rank order: rank r gets x0 op ... op x(r-1); rank 0 gets null. */
    public <T> T exscanObject(T value, BinaryOperator<T> op) {
        if (op == null) throw error(ErrorClass.OP, "exscanObject", "the operator is null");
        List<T> all = allgatherObjects(value);
        return rank == 0 ? null : fold(all, rank, op);
    }

    // ---------------------------------------------------------------- communicators

    /** Allocates a fresh pair of context ids agreed by every rank of this communicator (collective). */
    private int allocateContexts() {
        int mine = session.peekContext();
        int base = allreduce(mine, Op.MAX);
        session.claimContexts(base + 2);
        return base;
    }

    /** A new communicator with the same ranks and a context of its own (collective). */
    public Comm dup() {
        checkLive("dup");
        int ctx = allocateContexts();
        return new Comm(session, transport, name + ".dup", worldRanks == null ? null : worldRanks.clone(), ctx, ctx + 1);
    }

    /**
     * Splits the communicator (collective): ranks passing the same color form a new communicator, ordered
     * by key then by rank here. A rank passing {@link #UNDEFINED} gets null.
     */
    public Comm split(int color, int key) {
        return split(color, key, null, null);
    }

    private Comm split(int color, int key, String newName, CartTopology topo) {
        checkLive("split");
        if (color < 0 && color != UNDEFINED) {
            throw error(ErrorClass.ARG, "split", "color " + color + " is negative and not UNDEFINED");
        }
        int[] mine = {color, key};
        int[] all = new int[2 * size];
        gather0(mine, 0, 2, all, 0, null, null, ElementType.INT, 0, true, true).await();
        int ctx = allocateContexts();
        if (color == UNDEFINED) return null;
        List<int[]> members = new ArrayList<>();
        for (int r = 0; r < size; r++) if (all[2 * r] == color) members.add(new int[]{all[2 * r + 1], r});
        members.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
        int[] world = new int[members.size()];
        for (int i = 0; i < world.length; i++) world[i] = worldRankOf(members.get(i)[1]);
        return new Comm(session, transport, newName != null ? newName : name + ".split(" + color + ")", world, ctx, ctx + 1, topo);
    }

    /** The world ranks of this communicator's members, in rank order. */
    public int[] worldRanks() {
        if (worldRanks != null) return worldRanks.clone();
        int[] w = new int[size];
        for (int i = 0; i < size; i++) w[i] = i;
        return w;
    }

    /** The group of this communicator's members (world ranks in rank order). */
    public Group group() {
        return Group.of(worldRanks());
    }

    /**
     * A communicator of the members of {@code group}, which must be a subset of this communicator's
     * (collective over this communicator: every rank calls it with the same group). Ranks outside the
     * group get null.
     */
    public Comm create(Group group) {
        checkLive("create");
        if (group == null) throw error(ErrorClass.GROUP, "create", "the group is null");
        int[] members = group.toArray();
        for (int w : members) {
            if (w < 0 || w >= transport.size() || commRankOf(w) < 0) {
                throw error(ErrorClass.GROUP, "create", "world rank " + w + " of the group is not a member of " + name);
            }
        }
        int ctx = allocateContexts();
        if (!group.contains(worldRankOf(rank))) return null;
        return new Comm(session, transport, name + ".create", members, ctx, ctx + 1);
    }

    /**
     * Compares two communicators: IDENT when they are the same communicator, CONGRUENT when they have
     * the same members in the same order, SIMILAR when the same members in another order, else UNEQUAL.
     */
    public static Comparison compare(Comm a, Comm b) {
        if (a == null || b == null) throw new CohortException(ErrorClass.COMM, -1, "compare: a communicator is null");
        if (a == b) return Comparison.IDENT;
        Comparison g = Group.compare(a.group(), b.group());
        return g == Comparison.IDENT ? Comparison.CONGRUENT : g;
    }

    // ---------------------------------------------------------------- Cartesian topologies

    /**
     * A communicator with a Cartesian grid of {@code dims} (collective). Grid ranks are the first
     * product(dims) ranks of this communicator in order (no reordering); ranks beyond the grid get
     * null. Use {@link CartTopology#dimsCreate} to choose balanced dimensions.
     */
    public Comm createCart(int[] dims, boolean[] periods) {
        checkLive("createCart");
        CartTopology topo;
        try {
            topo = CartTopology.of(dims, periods);
        } catch (CohortException e) {
            throw error(e.errorClass(), "createCart", e.detail());
        }
        if (topo.size() > size) {
            throw error(ErrorClass.TOPOLOGY, "createCart", "the grid " + Arrays.toString(dims) + " needs " + topo.size()
                    + " ranks but " + name + " has " + size);
        }
        int[] members = new int[topo.size()];
        for (int i = 0; i < members.length; i++) members[i] = worldRankOf(i);
        int ctx = allocateContexts();
        if (rank >= topo.size()) return null;
        return new Comm(session, transport, name + ".cart" + Arrays.toString(dims), members, ctx, ctx + 1, topo);
    }

    /** The Cartesian grid of this communicator, or null when it has none. */
    public CartTopology cart() {
        return cart;
    }

    private CartTopology requireCart(String op) {
        if (cart == null) throw error(ErrorClass.TOPOLOGY, op, name + " has no Cartesian topology (make one with createCart)");
        return cart;
    }

    /** This rank's coordinates in the grid. */
    public int[] coords() {
        return requireCart("coords").coords(rank);
    }

    /** Coordinates of a rank in the grid. */
    public int[] coords(int rank) {
        CartTopology c = requireCart("coords");
        if (rank < 0 || rank >= size) throw error(ErrorClass.RANK, "coords", "rank " + rank + " is not in the grid of " + size);
        return c.coords(rank);
    }

    /** The rank at the given coordinates (periodic dimensions wrap). */
    public int cartRank(int... coords) {
        return requireCart("cartRank").rank(coords);
    }

    /** Source and destination for a shift of {@code disp} along {@code direction} (PROC_NULL off a non-periodic edge). */
    public CartTopology.Shift shift(int direction, int disp) {
        return requireCart("shift").shift(rank, direction, disp);
    }

    /** The sub-grid keeping the dimensions where {@code remainDims} is true (collective). */
    public Comm sub(boolean[] remainDims) {
        CartTopology.SubGrid g = requireCart("sub").sub(rank, remainDims);
        return split(g.color(), g.key(), name + ".sub", g.topology());
    }

    // ---------------------------------------------------------------- life cycle

    /** True once {@link #free()} was called. */
    public boolean isFreed() {
        return freed;
    }

    /** Frees the communicator; later operations on it fail with COMM. The world cannot be freed. */
    public void free() {
        if (worldRanks == null && context == 0) throw error(ErrorClass.COMM, "free", "the world communicator cannot be freed");
        if (freed) throw error(ErrorClass.COMM, "free", "the communicator was already freed");
        freed = true;
        transport.commFreed(this);
    }
}
