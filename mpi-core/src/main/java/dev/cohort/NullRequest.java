package dev.cohort;

import dev.cohort.spi.ProgressEngine;

/** The request of an operation with PROC_NULL: complete from the start, empty status. */
final class NullRequest extends PersistentRequest {
    private final Comm comm;
    private final String op;

    NullRequest(Comm comm, String op, boolean started) {
        this.comm = comm;
        this.op = op;
        resultSource = Comm.PROC_NULL;
        resultTag = Comm.ANY_TAG;
        if (started) complete();
    }

    @Override
    protected boolean isPersistent() {
        return op.endsWith("Init");
    }

    @Override
    protected void doStart() {
        resultSource = Comm.PROC_NULL;
        resultTag = Comm.ANY_TAG;
        complete();
    }

    @Override
    protected Comm comm() {
        return comm;
    }

    @Override
    protected ProgressEngine engine() {
        return comm.transport().engine();
    }

    @Override
    public String describe() {
        return op + "(PROC_NULL, comm=" + comm.name() + ")";
    }

    @Override
    protected boolean doCancel() {
        return false;
    }
}
