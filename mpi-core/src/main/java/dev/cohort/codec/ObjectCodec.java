package dev.cohort.codec;

/**
 * Turns objects into bytes and back for object messages. One instance per rank; not thread-safe
 * unless an implementation says so (Comm serializes its use).
 */
public interface ObjectCodec {
    /**
     * Encodes {@code value} (which may be null). The returned array is owned by the caller.
     *
     * @throws dev.cohort.CohortException CODEC when the object (or something it references) cannot be
     *                                    encoded or its class is refused by the policy
     */
    byte[] encode(Object value);

    /**
     * Decodes an object from {@code bytes[offset, offset + length)}.
     *
     * @throws dev.cohort.CohortException CODEC when the bytes are malformed or name a refused class
     */
    Object decode(byte[] bytes, int offset, int length);
}
