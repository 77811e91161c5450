package dev.cohort.launch;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An output stream that prefixes every line with {@code [rank] }, the rank of the thread that wrote
 * it ({@link RankContext}). Each thread's bytes are buffered until its newline, so lines of
 * different ranks never mix; threads outside any rank write untagged lines. A line still open when
 * the job ends is written, tagged, by {@link #flushOpenLines()}.
 *
 * <p>Any thread may write. A complete line is written to the target with one call while holding the
 * target's lock.
 */
final class RankTaggedOutput extends OutputStream {
    private final PrintStream target;
    private final Set<LineBuffer> open = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<LineBuffer> buffers = ThreadLocal.withInitial(() -> {
        LineBuffer b = new LineBuffer();
        open.add(b);
        return b;
    });

    RankTaggedOutput(PrintStream target) {
        this.target = target;
    }

    /** The charset the JVM's standard streams use. */
    static Charset consoleCharset() {
        String name = System.getProperty("sun.stdout.encoding");
        try {
            return name != null ? Charset.forName(name) : Charset.defaultCharset();
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    private static final class LineBuffer extends ByteArrayOutputStream {
        int rank = -1;

        byte[] buffer() {
            return buf;
        }
    }

    @Override
    public void write(int b) {
        LineBuffer lb = buffers.get();
        lb.rank = RankContext.current();
        lb.write(b);
        if (b == '\n') emit(lb);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        LineBuffer lb = buffers.get();
        lb.rank = RankContext.current();
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (b[i] == '\n') {
                lb.write(b, start, i + 1 - start);
                emit(lb);
                start = i + 1;
            }
        }
        if (start < end) lb.write(b, start, end - start);
    }

    @Override
    public void flush() {
        // open lines stay buffered until their newline: a partial line must not be split
        target.flush();
    }

    /** Writes every thread's unfinished line, ending it with a newline. */
    void flushOpenLines() {
        for (LineBuffer lb : open) {
            synchronized (lb) {
                if (lb.size() > 0) {
                    lb.write('\n');
                    emit(lb);
                }
            }
        }
        target.flush();
    }

    private void emit(LineBuffer lb) {
        synchronized (lb) {
            byte[] prefix = lb.rank >= 0 ? ("[" + lb.rank + "] ").getBytes(StandardCharsets.US_ASCII) : new byte[0];
            synchronized (target) {
                target.write(prefix, 0, prefix.length);
                target.write(lb.buffer(), 0, lb.size());
                target.flush();
            }
            lb.reset();
        }
    }
}
