package dev.cohort.local;

import dev.cohort.ElementType;

/**
 * A message waiting in a mailbox for its receive: the envelope, and either a pooled eager copy of the
 * data or (rendezvous) a reference to the sender's own buffer and request. Pooled per mailbox.
 */
final class Message {
    int source;   // world rank
    int tag;
    int context;
    ElementType type;
    int count;
    Object data;
    int dataOffset;
    /** The sender's request for rendezvous and synchronous sends, completed when a receive takes the data. */
    LocalOp sender;
    /** True when data is a buffer of the mailbox's eager pool. */
    boolean pooled;
    Message next;

    boolean matches(int wantSource, int wantTag, int wantContext) {
        return context == wantContext
                && (wantSource == dev.cohort.Comm.ANY_SOURCE || wantSource == source)
                && (wantTag == dev.cohort.Comm.ANY_TAG || wantTag == tag);
    }

    void clear() {
        data = null;
        sender = null;
        type = null;
        pooled = false;
        next = null;
    }
}
