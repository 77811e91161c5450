package dev.cohort.transport.mpj;

import dev.cohort.ElementType;

/**
 * How a Cohort envelope travels in one MPJ Express tag. All of a rank's traffic goes over one
 * communicator (a dup of MPJ's COMM_WORLD), so the tag carries what MPJ cannot match on for us:
 *
 * <pre>
 *  bit 30     sync: the sender waits for an acknowledgement (ssend / issend)
 *  bits 26-29 kind: the element type's ordinal, ACK for an acknowledgement of a sync message,
 *             ABORT for the notice a failing rank sends the others on a cluster device, or HANDOFF
 *             for the control message of a buffer handed off on the multicore device ({@link Handoff};
 *             payload: three longs, the offer's key, the count and the element type's ordinal)
 *  bits 16-25 the context id modulo 1024 (communicator, point-to-point or collective)
 *  bits 0-15  the application's tag (0..65535)
 * </pre>
 *
 * The tag stays non-negative (MPJ uses negative values for its wildcards).
 */
final class WireTag {
    static final int TAG_BITS = 16;
    static final int TAG_UB = (1 << TAG_BITS) - 1;
    static final int CONTEXT_SLOTS = 1 << 10;
    static final int ACK = 15;
    /** The kind of a failing rank's notice to the others (payload: the failure, UTF-8 bytes). */
    static final int ABORT = 14;
    /** The kind of a handoff's control message (the element type travels in its payload). */
    static final int HANDOFF = 13;

    private static final int CONTEXT_SHIFT = TAG_BITS;
    private static final int KIND_SHIFT = 26;
    private static final int SYNC_BIT = 1 << 30;
    private static final ElementType[] TYPES = ElementType.values();

    private WireTag() {
    }

    static int slot(int context) {
        return context & (CONTEXT_SLOTS - 1);
    }

    static int data(ElementType type, int context, int tag, boolean sync) {
        return (sync ? SYNC_BIT : 0) | type.ordinal() << KIND_SHIFT | slot(context) << CONTEXT_SHIFT | tag;
    }

    static int ack(int contextSlot, int tag) {
        return ACK << KIND_SHIFT | contextSlot << CONTEXT_SHIFT | tag;
    }

    /** The tag of a handoff's control message: never sync, the handoff completes when a receive took it. */
    static int handoff(int context, int tag) {
        return HANDOFF << KIND_SHIFT | slot(context) << CONTEXT_SHIFT | tag;
    }

    /** The tag of an abort notice (context and tag bits zero). */
    static int abortNotice() {
        return ABORT << KIND_SHIFT;
    }

    static int kind(int wire) {
        return (wire >>> KIND_SHIFT) & 15;
    }

    /** The element type of a data message's tag. */
    static ElementType type(int wire) {
        return typeOf(kind(wire));
    }

    /** The element type with this ordinal (a data message's kind, or a handoff's payload). */
    static ElementType typeOf(int ordinal) {
        return TYPES[ordinal];
    }

    static int contextSlot(int wire) {
        return (wire >>> CONTEXT_SHIFT) & (CONTEXT_SLOTS - 1);
    }

    static int tag(int wire) {
        return wire & TAG_UB;
    }

    static boolean sync(int wire) {
        return (wire & SYNC_BIT) != 0;
    }
}
