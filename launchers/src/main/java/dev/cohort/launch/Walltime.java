package dev.cohort.launch;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A batch job's wall-clock limit, given as {@code HH:MM:SS}. Hours may exceed 24 ({@code 48:00:00});
 * minutes and seconds are below 60; the limit is at least one second. A value, immutable.
 */
final class Walltime {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,5}):(\\d{2}):(\\d{2})");

    private final long seconds;

    private Walltime(long seconds) {
        this.seconds = seconds;
    }

    /** Parses {@code HH:MM:SS}; anything else is a UsageException that shows the expected form. */
    static Walltime parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new UsageException("malformed walltime '" + text + "'; give HH:MM:SS, for example 01:30:00 or 48:00:00");
        }
        long h = Long.parseLong(m.group(1));
        int min = Integer.parseInt(m.group(2));
        int s = Integer.parseInt(m.group(3));
        if (min > 59 || s > 59) {
            throw new UsageException("malformed walltime '" + text + "'; minutes and seconds must be 00 to 59");
        }
        long total = h * 3600 + min * 60L + s;
        if (total == 0) throw new UsageException("walltime must be longer than 00:00:00");
        return new Walltime(total);
    }

    long seconds() {
        return seconds;
    }

    /** {@code HH:MM:SS} with at least two digits of hours: PBS's walltime, SGE's h_rt. */
    String hms() {
        return String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    /** Slurm's --time: {@code HH:MM:SS} below a day, else {@code D-HH:MM:SS}. */
    String slurm() {
        long days = seconds / 86400;
        if (days == 0) return hms();
        long rest = seconds % 86400;
        return String.format("%d-%02d:%02d:%02d", days, rest / 3600, rest / 60 % 60, rest % 60);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Walltime && ((Walltime) o).seconds == seconds;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seconds);
    }

    @Override
    public String toString() {
        return hms();
    }
}
