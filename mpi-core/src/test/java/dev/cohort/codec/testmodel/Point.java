package dev.cohort.codec.testmodel;

/** A record in the package the tests allow. */
public record Point(int x, int y) {
}
