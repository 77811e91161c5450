package dev.cohort.benchmarks;

/** A command line that cannot be run: BenchMain prints the message and the usage, and exits with 2. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
