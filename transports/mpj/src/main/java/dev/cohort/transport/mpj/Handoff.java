package dev.cohort.transport.mpj;

import dev.cohort.CohortException;
import dev.cohort.ElementType;
import dev.cohort.ErrorClass;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Large messages between ranks of MPJ's multicore device with one copy instead of MPJ's three.
 *
 * <p>MPJ Express moves a buffer through three copies: the sender packs the array into a direct buffer
 * of its own, the multicore device copies that into the receiver's direct buffer, and the receiver
 * unpacks it into the array (the device's copy runs under a monitor every rank of the JVM shares).
 * On this device every rank is a thread of one JVM, so the receiver can copy straight from the
 * sender's array. A send of at least {@code cohort.mpj.handoffBytes} bytes (default
 * {@value #DEFAULT_MIN_BYTES}; 0 turns this off) therefore offers its buffer here under a key and
 * sends MPJ only a control message with the key, the element type and the count. MPJ orders that
 * message with the rank's others, so Cohort's matching and its non-overtaking order are unchanged.
 * The receive that matches it takes the buffer, copies it, and marks the offer done; the send
 * completes when it sees that, which also makes every handed-off send synchronous.
 *
 * <p>The ranks' classes come from class loaders of their own, so what they share must be the JDK's:
 * the offers live in one {@link ConcurrentMap} kept in the system properties (as {@link MpjMain}
 * keeps the job's first failure there), and an offer is an {@code Object[]} of the buffer, its offset,
 * its count and an {@link AtomicBoolean}. The map's put and remove order the sender's writes to its
 * buffer before the receiver's copy; the flag orders the copy before the sender reuses its buffer.
 */
final class Handoff {
    /** The system property holding the JVM's offers (a ConcurrentMap, not a string). */
    static final String REGISTRY_PROPERTY = "dev.cohort.mpj.handoff.offers";
    static final int DEFAULT_MIN_BYTES = 8192;
    /** Positions in an offer. */
    private static final int BUF = 0, OFFSET = 1, COUNT = 2, DONE = 3;

    private final ConcurrentMap<Long, Object[]> offers;
    private final long keyBase;
    private final int minBytes;
    /** The next key's sequence number; the transport's lock guards it. */
    private long next;

    private Handoff(ConcurrentMap<Long, Object[]> offers, int rank, int minBytes) {
        this.offers = offers;
        this.keyBase = (long) rank << 40;
        this.minBytes = minBytes;
    }

    /**
     * The handoff of a rank of the multicore device, or null when {@code cohort.mpj.handoffBytes} is 0
     * or the system properties hold something else under {@link #REGISTRY_PROPERTY}.
     */
    @SuppressWarnings("unchecked")
    static Handoff open(int rank) {
        int min = minBytes();
        if (min <= 0) return null;
        Object v = System.getProperties().computeIfAbsent(REGISTRY_PROPERTY, k -> new ConcurrentHashMap<Long, Object[]>());
        if (!(v instanceof ConcurrentMap)) return null;
        return new Handoff((ConcurrentMap<Long, Object[]>) v, rank, min);
    }

    /** {@code cohort.mpj.handoffBytes}: the smallest message handed off, in bytes (0: none). */
    static int minBytes() {
        String s = System.getProperty("cohort.mpj.handoffBytes");
        if (s == null || s.isBlank()) return DEFAULT_MIN_BYTES;
        try {
            return Math.max(0, Integer.parseInt(s.trim()));
        } catch (NumberFormatException e) {
            throw new CohortException(ErrorClass.ARG, -1, "-Dcohort.mpj.handoffBytes=" + s
                    + ": expected a number of bytes (0 turns the handoff off)");
        }
    }

    /** Whether a send of {@code count} elements of {@code type} goes through the handoff. */
    boolean wants(ElementType type, int count) {
        return (long) count * type.size() >= minBytes;
    }

    /** Offers a send's buffer until a receive takes it; returns the key the control message carries. */
    long offer(Object buf, int offset, int count, AtomicBoolean done) {
        long key = keyBase | next++;
        offers.put(key, new Object[]{buf, offset, count, done});
        return key;
    }

    /** Takes back an offer whose control message never left. */
    void withdraw(long key) {
        offers.remove(key);
    }

    /**
     * Copies the offer under {@code key} into {@code dst} at {@code dstOffset} (a new byte[] when
     * {@code dst} is null: an object receive gets the encoding) and marks it done. Returns the byte[]
     * it made, or null. Static: a rank takes what another offered even if its own handoff is off.
     */
    static byte[] take(long key, Object dst, int dstOffset) {
        Object v = System.getProperties().get(REGISTRY_PROPERTY);
        Object[] offer = v instanceof ConcurrentMap ? (Object[]) ((ConcurrentMap<?, ?>) v).remove(key) : null;
        if (offer == null) throw new IllegalStateException("handoff " + Long.toHexString(key) + " is not on offer");
        Object src = offer[BUF];
        int srcOffset = (Integer) offer[OFFSET];
        int count = (Integer) offer[COUNT];
        byte[] made = null;
        if (dst == null) dst = made = new byte[count];
        if (src instanceof ByteBuffer || dst instanceof ByteBuffer) {
            ByteBuffer from = src instanceof ByteBuffer ? window((ByteBuffer) src, srcOffset, count)
                    : ByteBuffer.wrap((byte[]) src, srcOffset, count);
            if (dst instanceof ByteBuffer) window((ByteBuffer) dst, dstOffset, count).put(from);
            else from.get((byte[]) dst, dstOffset, count);
        } else {
            System.arraycopy(src, srcOffset, dst, dstOffset, count);
        }
        ((AtomicBoolean) offer[DONE]).set(true);
        return made;
    }

    /** Bytes {@code offset} to {@code offset + count} of a buffer's whole capacity, whatever its position and limit. */
    private static ByteBuffer window(ByteBuffer bb, int offset, int count) {
        return MpjTransport.window(bb, offset).limit(offset + count);
    }
}
