package dev.cohort;

/**
 * The one exception type of Cohort. Its {@link #errorClass()} says what kind of failure it is; its
 * message names the rank, the operation and its arguments (peer, tag, counts, communicator).
 *
 * <p>When a rank of a job fails, the other ranks' pending and later operations fail with
 * {@link ErrorClass#ABORTED}, and {@link #rank()} is the rank that failed first.
 */
public class CohortException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorClass errorClass;
    private final int rank;

    /** @param rank the world rank the error is about (the failing rank), or -1 when not known */
    public CohortException(ErrorClass errorClass, int rank, String message) {
        this(errorClass, rank, message, null);
    }

    public CohortException(ErrorClass errorClass, int rank, String message, Throwable cause) {
        super(message, cause);
        this.errorClass = errorClass;
        this.rank = rank;
    }

    public ErrorClass errorClass() {
        return errorClass;
    }

    /** The rank this error is about: the calling rank, or for ABORTED the rank whose failure ended the job; -1 when unknown. */
    public int rank() {
        return rank;
    }

    /** The message without the error class suffix. */
    public String detail() {
        return super.getMessage();
    }

    @Override
    public String getMessage() {
        return super.getMessage() + " [" + errorClass + "]";
    }
}
