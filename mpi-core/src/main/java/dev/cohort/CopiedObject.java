package dev.cohort;

/**
 * The payload of an object message passed as a copy (ranks that share a heap; see
 * {@link dev.cohort.codec.ObjectCopier}): the receiver's own copy of the sent value, which may be null.
 */
record CopiedObject(Object value) {
}
