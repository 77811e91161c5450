package dev.cohort.conformance.shapes;

/** A generic record: its components are erased to Object on the wire. */
public record Pair<A, B>(A first, B second) {
}
