package dev.cohort.launch.testapps;

/** A class without a main method. */
public final class NoMain {
    private NoMain() {
    }

    public static void run(String[] args) {
        // not a main method
    }
}
