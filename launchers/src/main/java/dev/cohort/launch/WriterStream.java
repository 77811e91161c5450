package dev.cohort.launch;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** A PrintStream that passes whole lines (UTF-8) on to a PrintWriter, for code that prints to streams. */
final class WriterStream extends OutputStream {
    private final PrintWriter target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private WriterStream(PrintWriter target) {
        this.target = target;
    }

    static PrintStream over(PrintWriter target) {
        return new PrintStream(new WriterStream(target), true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') flush();
    }

    @Override
    public synchronized void flush() {
        if (line.size() > 0) {
            target.write(line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
        target.flush();
    }
}
