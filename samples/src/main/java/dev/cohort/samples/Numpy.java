package dev.cohort.samples;

/** Prints arrays the way numpy does ({@code [0 1 2]}), so the samples read like the mpi4py tutorial's output. */
final class Numpy {
    private Numpy() {
    }

    static String str(int[] a) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < a.length; i++) {
            if (i > 0) sb.append(' ');
            sb.append(a[i]);
        }
        return sb.append(']').toString();
    }
}
