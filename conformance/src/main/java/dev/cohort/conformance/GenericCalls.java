package dev.cohort.conformance;

import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.Op;

/** Calls the typed reduction overloads of Comm for an array whose type is known only at run time. */
final class GenericCalls {
    private GenericCalls() {
    }

    static void reduce(Comm w, Object in, Object out, Op op, int root) {
        switch (ElementType.of(in)) {
            case BYTE: w.reduce((byte[]) in, (byte[]) out, op, root); break;
            case SHORT: w.reduce((short[]) in, (short[]) out, op, root); break;
            case INT: w.reduce((int[]) in, (int[]) out, op, root); break;
            case LONG: w.reduce((long[]) in, (long[]) out, op, root); break;
            case FLOAT: w.reduce((float[]) in, (float[]) out, op, root); break;
            case DOUBLE: w.reduce((double[]) in, (double[]) out, op, root); break;
            case CHAR: w.reduce((char[]) in, (char[]) out, op, root); break;
            case BOOLEAN: w.reduce((boolean[]) in, (boolean[]) out, op, root); break;
            default: throw new IllegalArgumentException(String.valueOf(in));
        }
    }

    static void allreduce(Comm w, Object in, Object out, Op op) {
        switch (ElementType.of(in)) {
            case BYTE: w.allreduce((byte[]) in, (byte[]) out, op); break;
            case SHORT: w.allreduce((short[]) in, (short[]) out, op); break;
            case INT: w.allreduce((int[]) in, (int[]) out, op); break;
            case LONG: w.allreduce((long[]) in, (long[]) out, op); break;
            case FLOAT: w.allreduce((float[]) in, (float[]) out, op); break;
            case DOUBLE: w.allreduce((double[]) in, (double[]) out, op); break;
            case CHAR: w.allreduce((char[]) in, (char[]) out, op); break;
            case BOOLEAN: w.allreduce((boolean[]) in, (boolean[]) out, op); break;
            default: throw new IllegalArgumentException(String.valueOf(in));
        }
    }

    static void scan(Comm w, Object in, Object out, Op op, boolean exclusive) {
        switch (ElementType.of(in)) {
            case BYTE: if (exclusive) w.exscan((byte[]) in, (byte[]) out, op); else w.scan((byte[]) in, (byte[]) out, op); break;
            case SHORT: if (exclusive) w.exscan((short[]) in, (short[]) out, op); else w.scan((short[]) in, (short[]) out, op); break;
            case INT: if (exclusive) w.exscan((int[]) in, (int[]) out, op); else w.scan((int[]) in, (int[]) out, op); break;
            case LONG: if (exclusive) w.exscan((long[]) in, (long[]) out, op); else w.scan((long[]) in, (long[]) out, op); break;
            case FLOAT: if (exclusive) w.exscan((float[]) in, (float[]) out, op); else w.scan((float[]) in, (float[]) out, op); break;
            case DOUBLE: if (exclusive) w.exscan((double[]) in, (double[]) out, op); else w.scan((double[]) in, (double[]) out, op); break;
            case CHAR: if (exclusive) w.exscan((char[]) in, (char[]) out, op); else w.scan((char[]) in, (char[]) out, op); break;
            case BOOLEAN: if (exclusive) w.exscan((boolean[]) in, (boolean[]) out, op); else w.scan((boolean[]) in, (boolean[]) out, op); break;
            default: throw new IllegalArgumentException(String.valueOf(in));
        }
    }
}
