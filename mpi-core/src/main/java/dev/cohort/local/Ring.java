package dev.cohort.local;

import dev.cohort.ElementType;
import dev.cohort.spi.Copier;
import dev.cohort.spi.Words;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The fast lane for small messages from one rank to another: a bounded single-producer,
 * single-consumer queue of slots, each holding a message's envelope and its data.
 *
 * <p>The producer is only ever the sending rank's own thread; the consumer is whoever holds the
 * destination's mailbox monitor (the receiving rank, or a sender that must drain the lane before it
 * uses the mailbox, see {@link LocalTransport}). The producer publishes a slot by writing its
 * position + 1 into it last; the consumer only advances its head cursor, which the producer reads
 * only when the ring looks full. So the consumer never writes a line the producer writes.
 *
 * <p>Slots live in one {@code long[]}, {@value #STRIDE} longs apart: the sequence number, the envelope
 * and, for heap arrays of up to {@value #INLINE_BYTES} bytes, the data itself, so that a small message
 * costs the slot's cache lines moving from one core to the other and nothing else. Each slot also owns
 * {@value #REFS} consecutive references of one {@code Object[]}: an object message's copier tape of up
 * to {@value #INLINE_REFS} entries is copied there (the receiver copies it out into its own array), so
 * that a small object crosses in the slot's lines rather than through a chain of slot, reference and
 * tape. Larger messages (up to {@link #MAX_BYTES}), ByteBuffers, encodings and longer tapes go in the
 * slot's first reference (its spill).
 */
final class Ring {
    static final int SLOTS = Integer.getInteger("cohort.local.ringSlots", 32);
    /** Largest buffer message (in bytes) that travels through a ring; larger ones use the mailbox. */
    static final int MAX_BYTES = Integer.getInteger("cohort.local.ringBytes", 2048);
    static final int STRIDE = 16;
    private static final int HEADER = 3;
    static final int INLINE_BYTES = (STRIDE - HEADER) * 8;
    /** References per slot: 32, so that a slot's first 16 never share a cache line with another slot's. */
    static final int REFS = 32;
    /** Longest copier tape that travels inside the slot. */
    static final int INLINE_REFS = 16;
    private static final ElementType[] TYPES = ElementType.values();

    private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle CURSOR;

    static {
        try {
            CURSOR = MethodHandles.lookup().findVarHandle(Cursor.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        if (Integer.bitCount(SLOTS) != 1) throw new ExceptionInInitializerError("cohort.local.ringSlots must be a power of two");
    }

    /** Padding before a cursor, so that it shares its cache line with nothing the other side writes. */
    static class CursorPad {
        long p0, p1, p2, p3, p4, p5, p6, p7;
    }

    /** A position on its own cache line (superclass fields are laid out first, then these). */
    static final class Cursor extends CursorPad {
        volatile long value;
        long q0, q1, q2, q3, q4, q5, q6, q7;
    }

    final int source;
    private final int mask = SLOTS - 1;
    /** Per slot: sequence; count << 32 | tag; context << 32 | type << 24 | inline << 23 | inline tape length; then inline data. */
    private final long[] store = new long[SLOTS * STRIDE + 2 * STRIDE];
    /**
     * Per slot, {@value #REFS} references from {@code refs(slot)}: a reusable array for spilled data, an
     * object message's encoding or long tape, or a short tape's entries.
     */
    private final Object[] spill = new Object[(SLOTS + 1) * REFS];
    private final ElementType[] spillType = new ElementType[SLOTS];
    /** Next position to fill; touched only by the producer (plain accesses). */
    private final Cursor tail = new Cursor();
    /** Next position to empty; written by the consumer under the mailbox monitor, read by pollers. */
    private final Cursor head = new Cursor();

    /** The producer's last look at the consumer's head (plain; only the producer touches it). */
    private long headSeen;

    Ring(int source) {
        this.source = source;
    }

    /** Index of a slot's first long; one stride in, so that no slot shares a line with the array header. */
    private static int base(int slot) {
        return (slot + 1) * STRIDE;
    }

    /** Index of a slot's first reference in {@link #spill}, also one stride in. */
    private static int refs(int slot) {
        return (slot + 1) * REFS;
    }

    /**
     * Producer: copies a buffer message (or hands over an object message's encoding) into the next
     * slot; false when the ring is full. Publishing is a volatile write, so a later read of the
     * destination's push flag cannot be reordered before it.
     */
    boolean offer(Object buf, ElementType type, int offset, int count, int tag, int context) {
        long p = (long) CURSOR.get(tail);
        if (p - headSeen >= SLOTS) {
            headSeen = head.value;                  // the consumer's line is read only when the ring looks full
            if (p - headSeen >= SLOTS) return false;
        }
        int i = (int) p & mask;
        int b = base(i);
        long[] st = store;
        boolean inline = Words.fits(buf, type, count, INLINE_BYTES);
        int tapeLength = 0;   // entries of a tape copied into the slot
        if (inline) {
            Words.copyIn(buf, offset, type, count, st, b + HEADER);
        } else if (type == ElementType.OBJECT) {
            Object e = buf;   // an encoding, or the copier's tape of the object (count 0)
            if (e instanceof byte[] enc && (offset != 0 || enc.length != count)) e = java.util.Arrays.copyOfRange(enc, offset, offset + count);
            if (e instanceof Object[] tape && tape.length <= INLINE_REFS) {
                tapeLength = tape.length;
                inline = true;
                System.arraycopy(tape, 0, spill, refs(i), tapeLength);
            } else {
                spill[refs(i)] = e;
            }
            spillType[i] = null;
        } else {
            Object a = spill[refs(i)];
            if (spillType[i] != type || java.lang.reflect.Array.getLength(a) < count) {
                a = type.newArray(Math.max(count, 16));
                spill[refs(i)] = a;
                spillType[i] = type;
            }
            Copier.copy(buf, offset, a, 0, count);
        }
        st[b + 1] = ((long) tag & 0xffffffffL) | ((long) count << 32);
        st[b + 2] = ((long) context << 32) | ((long) type.ordinal() << 24) | (inline ? 1L << 23 : 0) | tapeLength;
        SEQ.setVolatile(st, b, p + 1);
        CURSOR.set(tail, p + 1);
        return true;
    }

    /** Consumer (under the mailbox monitor): the filled slot at the head, or -1 when the ring is empty. */
    int peek() {
        long h = head.value;
        int i = (int) h & mask;
        return (long) SEQ.getAcquire(store, base(i)) == h + 1 ? i : -1;
    }

    /** True when a message is waiting; safe to call without the monitor (a stale answer is only late). */
    boolean ready() {
        return peek() >= 0;
    }

    int tag(int slot) {
        return (int) store[base(slot) + 1];
    }

    int count(int slot) {
        return (int) (store[base(slot) + 1] >>> 32);
    }

    int context(int slot) {
        return (int) (store[base(slot) + 2] >>> 32);
    }

    ElementType type(int slot) {
        return TYPES[(int) (store[base(slot) + 2] >>> 24) & 0xff];
    }

    private boolean inline(int slot) {
        return (store[base(slot) + 2] & (1L << 23)) != 0;
    }

    /**
     * An object message's payload (its encoding or the copier's tape), handed over to the caller (the
     * slot forgets it on release); a tape that travelled inside the slot is copied out.
     */
    Object encoding(int slot) {
        int r = refs(slot);
        if (!inline(slot)) return spill[r];
        return java.util.Arrays.copyOfRange(spill, r, r + tapeLength(slot));
    }

    private int tapeLength(int slot) {
        return (int) store[base(slot) + 2] & 0xff;
    }

    /** Copies a buffer message's data to {@code dst} (an array or ByteBuffer of its type) at {@code dstOff}. */
    void copyOut(int slot, Object dst, int dstOff) {
        ElementType t = type(slot);
        int n = count(slot);
        if (!inline(slot)) {
            Copier.copy(spill[refs(slot)], 0, dst, dstOff, n);
            return;
        }
        Words.copyOut(store, base(slot) + HEADER, dst, dstOff, t, n);
    }

    /** Consumer: releases the head slot (already copied out) for the producer's next lap. */
    void release(int slot) {
        long h = head.value;
        if (type(slot) == ElementType.OBJECT) {   // the payload now belongs to the receiver
            int r = refs(slot);
            java.util.Arrays.fill(spill, r, r + Math.max(1, tapeLength(slot)), null);
        }
        CURSOR.setRelease(head, h + 1);
    }
}
