package dev.cohort.conformance;

/**
 * A plain class outside the package the suite's codec policy allows: sending it must fail with a
 * CODEC error. Otherwise unremarkable (public, no-argument constructor), so that only the policy can
 * refuse it.
 */
public final class Unlisted {
    public int value;

    public Unlisted() {
    }

    public Unlisted(int value) {
        this.value = value;
    }
}
