package dev.cohort.conformance.shapes;

/** A record without components. */
public record Empty() {
}
