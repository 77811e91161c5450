package dev.cohort.benchmarks;

import dev.cohort.Comm;
import dev.cohort.Request;
import dev.cohort.Status;

import java.util.Locale;

/**
 * The element type a buffer benchmark moves (--type). Sizes are always given in bytes; a buffer of
 * {@code bytes} bytes holds {@code bytes / elementSize()} elements. Each constant calls the Comm
 * overload of its own array type, so the benchmark bodies stay written once.
 */
public enum BufferType {
    BYTE(1, "byte[]") {
        @Override
        public Object allocate(int bytes) {
            byte[] b = new byte[bytes];
            java.util.Arrays.fill(b, (byte) 1);
            return b;
        }

        @Override
        public void send(Comm comm, Object buf, int count, int dest, int tag) {
            comm.send((byte[]) buf, 0, count, dest, tag);
        }

        @Override
        public Status recv(Comm comm, Object buf, int count, int source, int tag) {
            return comm.recv((byte[]) buf, 0, count, source, tag);
        }

        @Override
        public Request isend(Comm comm, Object buf, int count, int dest, int tag) {
            return comm.isend((byte[]) buf, 0, count, dest, tag);
        }

        @Override
        public Request irecv(Comm comm, Object buf, int count, int source, int tag) {
            return comm.irecv((byte[]) buf, 0, count, source, tag);
        }
    },

    DOUBLE(8, "double[]") {
        @Override
        public Object allocate(int bytes) {
            double[] d = new double[bytes / 8];
            java.util.Arrays.fill(d, 1.0);
            return d;
        }

        @Override
        public void send(Comm comm, Object buf, int count, int dest, int tag) {
            comm.send((double[]) buf, 0, count, dest, tag);
        }

        @Override
        public Status recv(Comm comm, Object buf, int count, int source, int tag) {
            return comm.recv((double[]) buf, 0, count, source, tag);
        }

        @Override
        public Request isend(Comm comm, Object buf, int count, int dest, int tag) {
            return comm.isend((double[]) buf, 0, count, dest, tag);
        }

        @Override
        public Request irecv(Comm comm, Object buf, int count, int source, int tag) {
            return comm.irecv((double[]) buf, 0, count, source, tag);
        }
    };

    private final int elementSize;
    private final String javaName;

    BufferType(int elementSize, String javaName) {
        this.elementSize = elementSize;
        this.javaName = javaName;
    }

    /** Bytes per element. */
    public int elementSize() {
        return elementSize;
    }

    /** The Java array type, for headers: byte[] or double[]. */
    public String javaName() {
        return javaName;
    }

    /** Elements in a message of {@code bytes} bytes. */
    public int count(int bytes) {
        return bytes / elementSize;
    }

    /** A new array of {@code bytes / elementSize()} elements, filled with ones (so pages are touched). */
    public abstract Object allocate(int bytes);

    /** Blocking send of {@code count} elements from the start of {@code buf}. */
    public abstract void send(Comm comm, Object buf, int count, int dest, int tag);

    /** Blocking receive of at most {@code count} elements into the start of {@code buf}. */
    public abstract Status recv(Comm comm, Object buf, int count, int source, int tag);

    public abstract Request isend(Comm comm, Object buf, int count, int dest, int tag);

    public abstract Request irecv(Comm comm, Object buf, int count, int source, int tag);

    /** The type named on the command line: byte or double (case-insensitive). */
    public static BufferType parse(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "byte":
            case "bytes":
                return BYTE;
            case "double":
            case "doubles":
                return DOUBLE;
            default:
                throw new UsageException("unknown --type '" + name + "'; known: byte, double");
        }
    }
}
