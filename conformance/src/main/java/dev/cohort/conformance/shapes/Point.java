package dev.cohort.conformance.shapes;

/** A flat record of primitives. */
public record Point(int x, double y) {
}
