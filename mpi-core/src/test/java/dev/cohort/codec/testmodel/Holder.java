package dev.cohort.codec.testmodel;

import dev.cohort.codec.untrusted.FinalGadget;

/**
 * An allowed class with fields that can carry refused classes: {@code payload} (its class is named on
 * the wire) and {@code gadget} (declared with a final class, so Kryo writes no class name for it).
 */
public class Holder {
    public Object payload;
    public FinalGadget gadget;
}
