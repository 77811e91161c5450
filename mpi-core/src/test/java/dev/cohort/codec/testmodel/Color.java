package dev.cohort.codec.testmodel;

/** An enum in the allowed package; BLUE has a constant body (a subclass of Color). */
public enum Color {
    RED, GREEN, BLUE {
        @Override
        public String toString() {
            return "blue!";
        }
    }
}
