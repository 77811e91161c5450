package dev.cohort;

/**
 * What a completed receive (or a probe) found: the source rank and tag of the message, and how many
 * elements of which type it holds. Immutable. Ranks are ranks of the communicator the operation ran on.
 */
public final class Status {
    /** The status of an operation with PROC_NULL, or of a null request: source PROC_NULL, tag ANY_TAG, count 0. */
    public static final Status EMPTY = new Status(Comm.PROC_NULL, Comm.ANY_TAG, 0, null, false);

    private final int source;
    private final int tag;
    private final int count;
    private final ElementType type;
    private final boolean cancelled;

    public Status(int source, int tag, int count, ElementType type, boolean cancelled) {
        this.source = source;
        this.tag = tag;
        this.count = count;
        this.type = type;
        this.cancelled = cancelled;
    }

    /** Rank of the sender in the communicator. */
    public int source() {
        return source;
    }

    public int tag() {
        return tag;
    }

    /**
     * Number of elements in the message; for an object message, bytes of its encoding, or 0 when the
     * local transport passed it as a copy (see {@link dev.cohort.codec.ObjectCopier}).
     */
    public int count() {
        return count;
    }

    /** Element type of the message, or null for an empty status. */
    public ElementType type() {
        return type;
    }

    /** True when the request was cancelled before it matched a message. */
    public boolean cancelled() {
        return cancelled;
    }

    /**
     * Whether this status says exactly this: for transports and requests that hand out their last
     * status again instead of a new one when nothing changed (statuses are immutable).
     */
    public boolean is(int source, int tag, int count, ElementType type, boolean cancelled) {
        return this.source == source && this.tag == tag && this.count == count && this.type == type
                && this.cancelled == cancelled;
    }

    @Override
    public String toString() {
        return "Status[source=" + source + ", tag=" + tag + ", count=" + count
                + (type == null ? "" : ", type=" + type) + (cancelled ? ", cancelled" : "") + "]";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Status)) return false;
        Status s = (Status) o;
        return s.source == source && s.tag == tag && s.count == count && s.type == type && s.cancelled == cancelled;
    }

    @Override
    public int hashCode() {
        return ((source * 31 + tag) * 31 + count) * 31 + (cancelled ? 1 : 0);
    }
}
