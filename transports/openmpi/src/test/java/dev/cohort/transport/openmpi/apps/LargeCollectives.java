package dev.cohort.transport.openmpi.apps;

import dev.cohort.Cohort;
import dev.cohort.Comm;
import dev.cohort.Op;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Blocking collectives on heap arrays large enough for the native helper (allreduce, scan, reduce,
 * bcast; out of place and in place; at offsets inside larger arrays), each result checked against the
 * value every rank can compute, and the elements around the range checked untouched. Prints
 * "helper: STATUS" (rank 0) and "rank R: N checks passed"; any wrong element throws. Run under mpirun.
 */
public final class LargeCollectives {
    private static final int N = 150_000;          // 1.2 MB of doubles, 300 KB of shorts: above the helper's 128 KiB
    private static final int OFF_IN = 3, OFF_OUT = 5, PAD = 9;
    private static int checks;

    private LargeCollectives() {
    }

    /** Rank r's element i: small integers, exact in every type and in every sum below. */
    private static int value(int r, int i) {
        return (r + 1) * (i % 7 + 1);
    }

    private static int sum(int ranks, int i) {
        int s = 0;
        for (int r = 0; r < ranks; r++) s += value(r, i);
        return s;
    }

    public static void main(String[] args) throws Exception {
        try (Cohort mpi = Cohort.init(args)) {
            Comm w = mpi.world();
            int rank = w.rank(), size = w.size();

            // double: allreduce out of place at offsets, in place, scan, reduce both ways, bcast
            double[] in = new double[N + OFF_IN + PAD], out = new double[N + OFF_OUT + PAD];
            for (int i = 0; i < N; i++) in[OFF_IN + i] = value(rank, i);
            Arrays.fill(out, -1);
            w.allreduce(in, OFF_IN, out, OFF_OUT, N, Op.SUM);
            checkD(out, i -> sum(size, i), "allreduce double SUM");
            for (int i = 0; i < N; i++) in[OFF_IN + i] = value(rank, i);
            w.allreduce(in, OFF_IN, in, OFF_IN, N, Op.MAX);
            checkRange(in, OFF_IN, i -> value(size - 1, i), "allreduce double MAX in place");
            for (int i = 0; i < N; i++) in[OFF_IN + i] = value(rank, i);
            Arrays.fill(out, -1);
            w.scan(in, OFF_IN, out, OFF_OUT, N, Op.SUM);
            checkD(out, i -> sum(rank + 1, i), "scan double SUM");
            int root = size - 1;
            Arrays.fill(out, -1);
            w.reduce(in, OFF_IN, out, OFF_OUT, N, Op.SUM, root);
            if (rank == root) checkD(out, i -> sum(size, i), "reduce double SUM at the root");
            else checkD(out, i -> -1, "reduce double: a non-root's receive buffer untouched");
            for (int i = 0; i < N; i++) out[OFF_OUT + i] = value(rank, i);
            w.reduce(out, OFF_OUT, out, OFF_OUT, N, Op.MIN, 0);
            if (rank == 0) checkD(out, i -> value(0, i), "reduce double MIN in place at the root");
            Arrays.fill(out, rank == 1 % size ? 0 : -1);
            if (rank == 1 % size) for (int i = 0; i < N; i++) out[OFF_OUT + i] = 7 * i;
            w.bcast(out, OFF_OUT, N, 1 % size);
            checkRange(out, OFF_OUT, i -> 7 * i, "bcast double");

            // the other reducible types: allreduce SUM out of place at offsets
            int[] ia = new int[N + OFF_IN], ib = new int[N + OFF_OUT + PAD];
            long[] la = new long[N + OFF_IN], lb = new long[N + OFF_OUT + PAD];
            float[] fa = new float[N + OFF_IN], fb = new float[N + OFF_OUT + PAD];
            short[] sa = new short[N + OFF_IN], sb = new short[N + OFF_OUT + PAD];
            for (int i = 0; i < N; i++) {
                ia[OFF_IN + i] = value(rank, i);
                la[OFF_IN + i] = value(rank, i) + (1L << 40);
                fa[OFF_IN + i] = value(rank, i);
                sa[OFF_IN + i] = (short) value(rank, i);
            }
            w.allreduce(ia, OFF_IN, ib, OFF_OUT, N, Op.SUM);
            w.allreduce(la, OFF_IN, lb, OFF_OUT, N, Op.SUM);
            w.allreduce(fa, OFF_IN, fb, OFF_OUT, N, Op.SUM);
            w.allreduce(sa, OFF_IN, sb, OFF_OUT, N, Op.SUM);
            for (int i = 0; i < N; i++) {
                int e = sum(size, i);
                if (ib[OFF_OUT + i] != e) fail("allreduce int SUM", i, ib[OFF_OUT + i], e);
                if (lb[OFF_OUT + i] != e + size * (1L << 40)) fail("allreduce long SUM", i, lb[OFF_OUT + i], e + size * (1L << 40));
                if (fb[OFF_OUT + i] != e) fail("allreduce float SUM", i, fb[OFF_OUT + i], e);
                if (sb[OFF_OUT + i] != e) fail("allreduce short SUM", i, sb[OFF_OUT + i], e);
            }
            for (int i = 0; i < OFF_OUT; i++) {
                if (ib[i] != 0 || lb[i] != 0 || fb[i] != 0 || sb[i] != 0) fail("allreduce of ints/longs/floats/shorts wrote before the range", i, 1, 0);
            }
            checks += 4;
            // an int bcast in place from rank 0
            if (rank == 0) for (int i = 0; i < N; i++) ib[OFF_OUT + i] = -i;
            w.bcast(ib, OFF_OUT, N, 0);
            for (int i = 0; i < N; i++) if (ib[OFF_OUT + i] != -i) fail("bcast int", i, ib[OFF_OUT + i], -i);
            checks++;
            w.barrier();
            if (rank == 0) System.out.println("helper: " + helperStatus());
            System.out.println("rank " + rank + ": " + checks + " checks passed");
        }
    }

    /** Pinned.status(), which says whether the native helper was used, and why not. */
    private static String helperStatus() throws Exception {
        Method m = Class.forName("dev.cohort.transport.openmpi.Pinned").getDeclaredMethod("status");
        m.setAccessible(true);
        return (String) m.invoke(null);
    }

    private interface Expect {
        double at(int i);
    }

    /** out[OFF_OUT + i] == e(i) for every i, and the elements around the range are still -1. */
    private static void checkD(double[] out, Expect e, String what) {
        checkRange(out, OFF_OUT, e, what);
        for (int i = 0; i < OFF_OUT; i++) if (out[i] != -1) fail(what + " (before the range)", i, out[i], -1);
        for (int i = OFF_OUT + N; i < out.length; i++) if (out[i] != -1) fail(what + " (after the range)", i, out[i], -1);
    }

    private static void checkRange(double[] a, int off, Expect e, String what) {
        for (int i = 0; i < N; i++) if (a[off + i] != e.at(i)) fail(what, i, a[off + i], e.at(i));
        checks++;
    }

    private static void fail(String what, int i, double got, double expected) {
        throw new AssertionError(what + ": element " + i + " is " + got + ", expected " + expected);
    }
}
