package dev.cohort;

/**
 * The class of a {@link CohortException}, after MPI's error classes. Code that wants to react to a
 * kind of failure switches on this rather than parsing messages.
 */
public enum ErrorClass {
    /** A buffer is null, read-only where it must be written, or too small for offset + count. */
    BUFFER,
    /** A count is negative or larger than the buffer. */
    COUNT,
    /** An element type that the operation does not accept, or a receive whose type differs from the message's. */
    TYPE,
    /** A tag outside 0..tag upper bound (or ANY_TAG where a concrete tag is needed). */
    TAG,
    /** A rank outside the communicator (or ANY_SOURCE / PROC_NULL where they are not allowed). */
    RANK,
    /** A root rank outside the communicator. */
    ROOT,
    /** A freed or invalid communicator, or ranks that disagree about a communicator operation. */
    COMM,
    /** A group operation with invalid arguments. */
    GROUP,
    /** A topology operation with invalid arguments (for example dimensions that cannot be met). */
    TOPOLOGY,
    /** A reduction operation that is not defined on the element type. */
    OP,
    /** A message longer than the receive buffer. The message is not consumed. */
    TRUNCATE,
    /** A freed, inactive or otherwise invalid request. */
    REQUEST,
    /** Invalid argument not covered by a more specific class. */
    ARG,
    /** Objects that cannot be encoded or decoded, or classes the codec's policy refuses. */
    CODEC,
    /** The session is finished or was never started, or the transport is unavailable. */
    SESSION,
    /** Every live rank is blocked in an operation that nothing can satisfy. */
    DEADLOCK,
    /** Another rank failed and the job is being ended. */
    ABORTED,
    /** A rank's code threw; the exception is the cause. */
    FAILED,
    /** An operation was interrupted (the calling thread's interrupt flag was set). */
    INTERRUPTED,
    /** The operation is not supported by this transport. */
    UNSUPPORTED,
    /** An error reported by an underlying MPI library, with its own message. */
    INTERN
}
