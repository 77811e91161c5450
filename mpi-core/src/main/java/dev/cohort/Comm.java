package dev.cohort;

import dev.cohort.codec.ObjectCodec;
import dev.cohort.spi.Transport;

import java.nio.ByteBuffer;

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
public final class Comm extends CommBuffers {
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

    Comm(Cohort session, Transport transport, String name, int[] worldRanks, int context, int collContext) {
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
        if (buf instanceof ByteBuffer) ((ByteBuffer) buf).get(offset, (byte[]) copy, 0, count);
        else System.arraycopy(buf, offset, copy, 0, count);
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

    private byte[] encode(Object value, String op) {
        try {
            return codec().encode(value);
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
        byte[] bytes = encode(value, "sendObject");
        transport.send(this, bytes, ElementType.OBJECT, 0, bytes.length, wd, tag, context, false);
    }

    /** Sends an object and returns once a receive has matched it. */
    public void ssendObject(Object value, int dest, int tag) {
        checkLive("ssendObject");
        checkSendTag(tag, "ssendObject");
        int wd = destination(dest, "ssendObject");
        if (wd == PROC_NULL) return;
        byte[] bytes = encode(value, "ssendObject");
        transport.send(this, bytes, ElementType.OBJECT, 0, bytes.length, wd, tag, context, true);
    }

    /** Starts sending an object; the object is encoded before this returns, so it may be changed afterwards. */
    public Request isendObject(Object value, int dest, int tag) {
        checkLive("isendObject");
        checkSendTag(tag, "isendObject");
        int wd = destination(dest, "isendObject");
        if (wd == PROC_NULL) return new NullRequest(this, "isendObject", true);
        byte[] bytes = encode(value, "isendObject");
        return transport.isend(this, bytes, ElementType.OBJECT, 0, bytes.length, wd, tag, context, false);
    }

    /** Receives an object sent with one of the *Object sends. */
    public <T> T recvObject(int source, int tag) {
        ObjectRequest<T> r = irecvObject(source, tag);
        return r.get();
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
    }
}
