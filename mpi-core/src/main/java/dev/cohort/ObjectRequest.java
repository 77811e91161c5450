package dev.cohort;

import dev.cohort.spi.ProgressEngine;

/**
 * A pending object receive ({@link Comm#irecvObject}). It is a {@link Request}, so it mixes with
 * buffer requests in waitAll / waitAny; once complete, {@link #value()} decodes the object (once, on
 * the calling thread, with the receiving rank's class loader), or, where ranks share the heap, rebuilds
 * the copy from the sender's tape.
 *
 * @param <T> the expected type of the object
 */
public final class ObjectRequest<T> extends Request {
    private final Request inner;
    private final Comm comm;
    private Object value;
    private boolean decoded;

    ObjectRequest(Comm comm, Request inner) {
        super(ACTIVE);
        this.comm = comm;
        this.inner = inner;
        if (inner.isComplete()) copyResult();
    }

    /** Waits for the message and returns the decoded object. */
    @SuppressWarnings("unchecked")
    public T get() {
        await();
        return (T) decode();
    }

    /** The decoded object of a completed request (null when the request was cancelled or had PROC_NULL). */
    @SuppressWarnings("unchecked")
    public T value() {
        status();
        return (T) decode();
    }

    private Object decode() {
        if (!decoded) {
            value = comm.objectOf(inner.resultPayload);
            decoded = true;
        }
        return value;
    }

    private void copyResult() {
        resultSource = inner.resultSource;
        resultTag = inner.resultTag;
        resultCount = inner.resultCount;
        resultType = inner.resultType;
        resultCancelled = inner.resultCancelled;
        resultError = inner.resultError;
        resultPayload = inner.resultPayload;
        complete();
    }

    @Override
    protected boolean poll() {
        if (state == COMPLETE) return true;
        if (!inner.poll()) return false;
        copyResult();
        return true;
    }

    @Override
    protected void registerWaiter(Thread t) {
        inner.registerWaiter(t);
    }

    @Override
    protected Comm comm() {
        return comm;
    }

    @Override
    protected ProgressEngine engine() {
        return inner.engine();
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    protected boolean doCancel() {
        boolean c = inner.cancel();
        if (c) poll();
        return c;
    }
}
