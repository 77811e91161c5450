package dev.cohort.launch;

/** The exit codes of the cohort command. */
final class ExitCode {
    /** Everything ran. */
    static final int OK = 0;
    /** A rank failed or the job deadlocked. */
    static final int FAILED = 1;
    /** Bad usage or input (options, transport, main class, jar); nothing was started. */
    static final int USAGE = 2;

    private ExitCode() {
    }
}
