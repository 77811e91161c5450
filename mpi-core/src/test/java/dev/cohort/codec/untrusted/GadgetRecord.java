package dev.cohort.codec.untrusted;

import java.util.concurrent.atomic.AtomicInteger;

/** A record outside the allowed packages; its canonical constructor counts calls. */
public record GadgetRecord(String command) {
    public static final AtomicInteger CONSTRUCTED = new AtomicInteger();

    public GadgetRecord {
        CONSTRUCTED.incrementAndGet();
    }
}
