package dev.cohort;

import dev.cohort.codec.CodecPolicy;

import java.time.Duration;
import java.util.Locale;

/**
 * Settings of a Cohort session, validated when built. Defaults come from system properties:
 * {@code cohort.transport} (or the environment variable COHORT_TRANSPORT), {@code cohort.codec.allow},
 * {@code cohort.codec.allowAll}, {@code cohort.deadlock.detect}, {@code cohort.deadlock.delayMs},
 * {@code cohort.objects.copy}.
 */
public final class CohortOptions {
    private final String transport;
    private final CodecPolicy codecPolicy;
    private final boolean deadlockDetection;
    private final Duration deadlockDelay;
    private final Duration abortGrace;
    private final boolean copyObjects;

    private CohortOptions(Builder b) {
        this.transport = b.transport;
        this.codecPolicy = b.codecPolicy == null ? CodecPolicy.fromSystemProperties() : b.codecPolicy;
        this.deadlockDetection = b.deadlockDetection;
        this.deadlockDelay = b.deadlockDelay;
        this.abortGrace = b.abortGrace;
        this.copyObjects = b.copyObjects;
    }

    /** Options from system properties and environment only. */
    public static CohortOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** "auto", "local", "openmpi", "mpj" or "ffm". */
    public String transport() {
        return transport;
    }

    public CodecPolicy codecPolicy() {
        return codecPolicy;
    }

    /** Whether the local transport fails a job whose live ranks are all blocked on each other. */
    public boolean deadlockDetection() {
        return deadlockDetection;
    }

    /** How long every live rank must stay blocked before a deadlock is declared. */
    public Duration deadlockDelay() {
        return deadlockDelay;
    }

    /** How long Cohort.run waits for the other ranks to stop after one failed. */
    public Duration abortGrace() {
        return abortGrace;
    }

    /**
     * Whether object messages between ranks that share a heap (the local transport) are passed as
     * copies instead of encodings when they hold only JDK values and collections (see
     * {@link dev.cohort.codec.ObjectCopier}). On by default; off, every object message is encoded.
     */
    public boolean copyObjects() {
        return copyObjects;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.transport = transport;
        b.codecPolicy = codecPolicy;
        b.deadlockDetection = deadlockDetection;
        b.deadlockDelay = deadlockDelay;
        b.abortGrace = abortGrace;
        b.copyObjects = copyObjects;
        return b;
    }

    public static final class Builder {
        private String transport = defaultTransport();
        private CodecPolicy codecPolicy;
        private boolean deadlockDetection = !"false".equals(System.getProperty("cohort.deadlock.detect"));
        private Duration deadlockDelay = Duration.ofMillis(Long.getLong("cohort.deadlock.delayMs", 1000));
        private Duration abortGrace = Duration.ofSeconds(2);
        private boolean copyObjects = !"false".equals(System.getProperty("cohort.objects.copy"));

        private Builder() {
        }

        private static String defaultTransport() {
            String t = System.getProperty("cohort.transport");
            if (t == null || t.isBlank()) t = System.getenv("COHORT_TRANSPORT");
            return t == null || t.isBlank() ? "auto" : t.trim().toLowerCase(Locale.ROOT);
        }

        public Builder transport(String name) {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("transport name is empty");
            this.transport = name.trim().toLowerCase(Locale.ROOT);
            return this;
        }

        public Builder codecPolicy(CodecPolicy policy) {
            this.codecPolicy = policy;
            return this;
        }

        public Builder deadlockDetection(boolean on) {
            this.deadlockDetection = on;
            return this;
        }

        public Builder deadlockDelay(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException("deadlock delay must be positive: " + d);
            this.deadlockDelay = d;
            return this;
        }

        public Builder abortGrace(Duration d) {
            if (d == null || d.isNegative()) throw new IllegalArgumentException("abort grace must not be negative: " + d);
            this.abortGrace = d;
            return this;
        }

        public Builder copyObjects(boolean on) {
            this.copyObjects = on;
            return this;
        }

        public CohortOptions build() {
            return new CohortOptions(this);
        }
    }
}
