package dev.cohort.conformance.shapes;

/** An enum, sent alone and inside records. */
public enum Color {
    RED, GREEN, BLUE
}
