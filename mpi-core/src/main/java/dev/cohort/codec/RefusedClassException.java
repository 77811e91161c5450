package dev.cohort.codec;

import com.esotericsoftware.kryo.KryoException;

/**
 * Thrown inside Kryo when the policy refuses a class. It is a {@link KryoException} so that Kryo's
 * serializers pass it through unchanged while appending their serialization trace (which field of
 * which object held the refused class); {@link KryoCodec} turns it into a CODEC {@code CohortException}.
 */
final class RefusedClassException extends KryoException {
    private static final long serialVersionUID = 1L;

    private final String className;

    RefusedClassException(String className, String message) {
        super(message);
        this.className = className;
    }

    /** The refused class's binary name. */
    String className() {
        return className;
    }
}
