package dev.cohort.codec.untrusted;

import java.util.concurrent.atomic.AtomicInteger;

/** A final class outside the allowed packages, so a field declared with it carries no class name. */
public final class FinalGadget {
    public static final AtomicInteger CONSTRUCTED = new AtomicInteger();

    public String command = "shutdown";

    public FinalGadget() {
        CONSTRUCTED.incrementAndGet();
    }
}
