package dev.cohort.conformance;

import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.ErrorClass;
import dev.cohort.Op;
import dev.cohort.Request;
import dev.cohort.Status;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Collective operations on buffers and objects: every root, sizes from 0 to 100,000 elements, every
 * predefined operation on every type it is defined on, user-defined and non-commutative operations,
 * in-place forms, nonblocking forms mixed with point-to-point, and argument errors.
 */
final class CollectiveCases {
    static final int[] SIZES = {0, 1, 7, 1000, 100_000};

    private CollectiveCases() {
    }

    static void barrierRepeated(Comm w) {
        for (int i = 0; i < 20; i++) w.barrier();
        Request r = w.ibarrier();
        r.await();
        assertThat(r.isComplete()).isTrue();
        // after a barrier every rank's earlier contribution is visible through an allreduce
        assertThat(w.allreduce(1, Op.SUM)).isEqualTo(w.size());
    }

    /**
     * More collectives than a 16-bit tag counts (MPJ Express's bound): engines that number their
     * collectives must wrap within the transport's tag bound, or the 65,537th goes astray.
     */
    static void collectiveSequenceWraps(Comm w) {
        for (int i = 0; i < 66_000; i++) {
            w.barrier();
            if (i % 5_000 == 0 || i > 65_530 && i < 65_540) {
                assertThat(w.allreduce(i + w.rank(), Op.SUM)).as("allreduce after %d barriers", i)
                        .isEqualTo(w.size() * i + w.size() * (w.size() - 1) / 2);
            }
        }
    }

    static void bcastEveryRootEveryType(Comm w) {
        for (int root = 0; root < w.size(); root++) {
            for (ElementType t : Values.PRIMITIVES) {
                Object expected = Values.input(t, 9, root, 1);
                Object buf = w.rank() == root ? Values.input(t, 9, root, 1) : t.newArray(9);
                bcastTyped(w, buf, t, root);
                Values.assertSame(buf, expected, "bcast of " + t + " from root " + root);
            }
            ByteBuffer bb = ByteBuffer.allocateDirect(16);
            if (w.rank() == root) for (int i = 0; i < 16; i++) bb.put(i, (byte) (i + root));
            w.bcast(bb, 2, 12, root);
            for (int i = 2; i < 14; i++) assertThat(bb.get(i)).isEqualTo((byte) (i + root));
        }
    }

    private static void bcastTyped(Comm w, Object buf, ElementType t, int root) {
        switch (t) {
            case BYTE: w.bcast((byte[]) buf, root); break;
            case SHORT: w.bcast((short[]) buf, root); break;
            case INT: w.bcast((int[]) buf, root); break;
            case LONG: w.bcast((long[]) buf, root); break;
            case FLOAT: w.bcast((float[]) buf, root); break;
            case DOUBLE: w.bcast((double[]) buf, root); break;
            case CHAR: w.bcast((char[]) buf, root); break;
            case BOOLEAN: w.bcast((boolean[]) buf, root); break;
            default: throw new IllegalArgumentException(t.toString());
        }
    }

    static void bcastSizes(Comm w) {
        for (int n : SIZES) {
            int root = n % w.size();
            double[] a = new double[n];
            if (w.rank() == root) for (int i = 0; i < n; i++) a[i] = i * 0.5 + root;
            w.bcast(a, 0, n, root);
            for (int i = 0; i < n; i++) assertThat(a[i]).isEqualTo(i * 0.5 + root);
        }
    }

    /** Every predefined operation on every type it is defined on: reduce, allreduce, scan, exscan. */
    static void reductionsEveryOpEveryType(Comm w) {
        int n = 5, size = w.size(), r = w.rank();
        for (ElementType t : Values.PRIMITIVES) {
            for (Op op : Values.OPS) {
                if (!op.supports(t)) continue;
                String what = op + " on " + t;
                Object all = Values.fold(t, n, 0, size, 2, op);
                int root = size - 1;
                Object out = t.newArray(n);
                GenericCalls.reduce(w, Values.input(t, n, r, 2), out, op, root);
                if (r == root) Values.assertSame(out, all, "reduce " + what);
                out = t.newArray(n);
                GenericCalls.allreduce(w, Values.input(t, n, r, 2), out, op);
                Values.assertSame(out, all, "allreduce " + what);
                out = t.newArray(n);
                GenericCalls.scan(w, Values.input(t, n, r, 2), out, op, false);
                Values.assertSame(out, Values.fold(t, n, 0, r + 1, 2, op), "scan " + what);
                if (r > 0) {
                    out = t.newArray(n);
                    GenericCalls.scan(w, Values.input(t, n, r, 2), out, op, true);
                    Values.assertSame(out, Values.fold(t, n, 0, r, 2, op), "exscan " + what);
                } else {
                    Object untouched = Values.input(t, n, 99, 3);
                    Object before = Values.input(t, n, 99, 3);
                    GenericCalls.scan(w, Values.input(t, n, r, 2), untouched, op, true);
                    Values.assertSame(untouched, before, "exscan leaves rank 0's buffer alone, " + what);
                }
            }
        }
    }

    static void reductionSizesAndRoots(Comm w) {
        int size = w.size(), r = w.rank();
        for (int n : SIZES) {
            double[] in = new double[n], out = new double[n];
            for (int i = 0; i < n; i++) in[i] = Values.value(r, i, 4);
            for (int root = 0; root < size; root += Math.max(1, size / 3)) {
                Arrays.fill(out, -1);
                w.reduce(in, out, Op.SUM, root);
                if (r == root) {
                    for (int i = 0; i < n; i++) assertThat(out[i]).as("reduce to %d, element %d of %d", root, i, n).isEqualTo(sumAt(size, i, 4));
                }
            }
            w.allreduce(in, out, Op.SUM);
            for (int i = 0; i < n; i++) assertThat(out[i]).as("allreduce element %d of %d", i, n).isEqualTo(sumAt(size, i, 4));
            // every rank must hold the same bits: compare with rank 0's result
            double[] zero = out.clone();
            w.bcast(zero, 0);
            assertThat(Arrays.equals(zero, out)).as("allreduce of %d gives the same bits on every rank", n).isTrue();
            long[] li = new long[n], lo = new long[n];
            for (int i = 0; i < n; i++) li[i] = r + i;
            w.allreduce(li, lo, Op.MAX);
            for (int i = 0; i < n; i++) assertThat(lo[i]).isEqualTo(size - 1 + i);
        }
    }

    private static double sumAt(int size, int i, int seed) {
        double s = 0;
        for (int q = 0; q < size; q++) s += Values.value(q, i, seed);
        return s;
    }

    static void inPlaceAndScalarForms(Comm w) {
        int size = w.size(), r = w.rank();
        int[] a = {r, 2 * r, 1};
        w.allreduce(a, a, Op.SUM);
        int tri = size * (size - 1) / 2;
        assertThat(a).containsExactly(tri, 2 * tri, size);
        double[] b = {r + 1.0};
        w.reduce(b, b, Op.PROD, 0);
        if (r == 0) {
            double f = 1;
            for (int q = 1; q <= size; q++) f *= q;
            assertThat(b[0]).isEqualTo(f);
        }
        assertThat(w.allreduce(r + 0.5, Op.MAX)).isEqualTo(size - 0.5);
        assertThat(w.allreduce((long) r, Op.SUM)).isEqualTo(tri);
        assertThat(w.allreduce(r % 2 == 0, Op.LAND)).isEqualTo(size == 1);
        assertThat(w.allreduce(r == size - 1, Op.LOR)).isTrue();
        assertThat(w.scan((long) r, Op.SUM)).isEqualTo((long) r * (r + 1) / 2);
        assertThat(w.exscan((long) r + 1, Op.SUM, -7)).isEqualTo(r == 0 ? -7 : (long) r * (r + 1) / 2);
        double red = w.reduce(2.0, Op.SUM, size - 1);
        if (r == size - 1) assertThat(red).isEqualTo(2.0 * size);
        // in-place allgather: each rank's block already sits in the receive buffer
        int[] g = new int[2 * size];
        g[2 * r] = r;
        g[2 * r + 1] = -r;
        w.allgather(g, 2 * r, 2, g, 0);
        for (int q = 0; q < size; q++) assertThat(new int[]{g[2 * q], g[2 * q + 1]}).containsExactly(q, -q);
    }

    static void minlocMaxloc(Comm w) {
        int size = w.size(), r = w.rank();
        // values repeat every 3 ranks, so ties are common: the lower index must win
        double v = r % 3;
        Comm.Loc min = w.allreduceLoc(v, r, Op.MINLOC);
        assertThat(min.value()).isEqualTo(0);
        assertThat(min.index()).isEqualTo(0);
        Comm.Loc max = w.allreduceLoc(v, r, Op.MAXLOC);
        assertThat(max.value()).isEqualTo(Math.min(size - 1, 2));
        assertThat(max.index()).isEqualTo(Math.min(size - 1, 2));
        int[] pairs = {10 - r % 2, r, r, 100 + r};   // two pairs per rank
        int[] out = new int[4];
        w.allreduce(pairs, out, Op.MINLOC);
        assertThat(out[0]).isEqualTo(size > 1 ? 9 : 10);
        assertThat(out[1]).isEqualTo(size > 1 ? 1 : 0);
        assertThat(out[2]).isEqualTo(0);
        assertThat(out[3]).isEqualTo(100);
        long[] big = new long[20_000];
        for (int i = 0; i < big.length; i += 2) {
            big[i] = (i / 2 + r) % size;
            big[i + 1] = r;
        }
        long[] bo = new long[big.length];
        w.allreduce(big, bo, Op.MAXLOC);
        for (int i = 0; i < bo.length; i += 2) {
            assertThat(bo[i]).isEqualTo(size - 1);
            assertThat(bo[i + 1]).as("pair %d", i / 2).isEqualTo(Math.floorMod(size - 1 - i / 2, size));
        }
    }

    static void userDefinedAndNonCommutative(Comm w) {
        int size = w.size(), r = w.rank();
        Op left = Op.ofInt("left", (a, b) -> a, false);
        Op right = Op.ofInt("right", (a, b) -> b, false);
        for (int n : new int[]{1, 5, 50_000}) {
            int[] in = new int[n], out = new int[n];
            Arrays.fill(in, r + 100);
            w.allreduce(in, out, left);
            assertThat(out).containsOnly(100);
            w.allreduce(in, out, right);
            assertThat(out).containsOnly(size + 99);
            Arrays.fill(out, 0);
            w.reduce(in, out, right, 0);
            if (r == 0) assertThat(out).containsOnly(size + 99);
            w.reduce(in, out, left, size - 1);
            if (r == size - 1) assertThat(out).containsOnly(100);
            w.scan(in, out, right);
            assertThat(out).containsOnly(r + 100);
            w.scan(in, out, left);
            assertThat(out).containsOnly(100);
        }
        Op sumSquares = Op.create("sumOfSquares", (in, a, io, b, n, t) -> {
            double[] x = (double[]) in, y = (double[]) io;
            for (int i = 0; i < n; i++) y[b + i] = x[a + i] + y[b + i];
        }, true);
        double[] sq = {r * r}, res = new double[1];
        w.allreduce(sq, res, sumSquares);
        double expect = 0;
        for (int q = 0; q < size; q++) expect += q * q;
        assertThat(res[0]).isEqualTo(expect);
        int[] rs = new int[2 * size], got = new int[2];
        Arrays.fill(rs, r);
        w.reduceScatterBlock(rs, got, 2, right);
        assertThat(got).containsOnly(size - 1);
    }

    static void gatherAndScatter(Comm w) {
        int size = w.size(), r = w.rank();
        for (int n : new int[]{0, 1, 3, 10_000}) {
            for (int root = 0; root < size; root += Math.max(1, size / 2)) {
                int[] mine = new int[n];
                for (int i = 0; i < n; i++) mine[i] = r * 100_000 + i;
                int[] all = r == root ? new int[n * size] : null;
                w.gather(mine, all, root);
                if (r == root) for (int i = 0; i < all.length; i++) assertThat(all[i]).isEqualTo((i / n) * 100_000 + i % n);
                int[] part = new int[n];
                int[] src = null;
                if (r == root) {
                    src = new int[n * size];
                    for (int i = 0; i < src.length; i++) src[i] = i * 3 + root;
                }
                w.scatter(src, part, root);
                for (int i = 0; i < n; i++) assertThat(part[i]).isEqualTo((r * n + i) * 3 + root);
            }
        }
    }

    /** gatherv / scatterv / allgatherv with uneven counts, gaps between blocks and blocks out of rank order. */
    static void vectorVariants(Comm w) {
        int size = w.size(), r = w.rank();
        int[] counts = new int[size], displs = new int[size];
        int at = 0;
        for (int q = size - 1; q >= 0; q--) {   // blocks laid out in reverse rank order with a gap of 2
            counts[q] = q % 3;
            displs[q] = at;
            at += counts[q] + 2;
        }
        int total = at;
        long[] mine = new long[counts[r]];
        for (int i = 0; i < mine.length; i++) mine[i] = r * 10L + i;
        for (int root = 0; root < size; root++) {
            long[] all = new long[total];
            Arrays.fill(all, -1);
            w.gatherv(mine, 0, mine.length, all, 0, counts, displs, root);
            if (r == root) checkBlocks(all, counts, displs, size);
            long[] part = new long[counts[r]];
            w.scatterv(r == root ? blocks(counts, displs, total, size) : null, 0, counts, displs, part, 0, part.length, root);
            for (int i = 0; i < part.length; i++) assertThat(part[i]).isEqualTo(r * 10L + i);
        }
        long[] everywhere = new long[total];
        Arrays.fill(everywhere, -1);
        w.allgatherv(mine, 0, mine.length, everywhere, 0, counts, displs);
        checkBlocks(everywhere, counts, displs, size);
    }

    private static long[] blocks(int[] counts, int[] displs, int total, int size) {
        long[] b = new long[total];
        Arrays.fill(b, -1);
        for (int q = 0; q < size; q++) for (int i = 0; i < counts[q]; i++) b[displs[q] + i] = q * 10L + i;
        return b;
    }

    private static void checkBlocks(long[] all, int[] counts, int[] displs, int size) {
        assertThat(all).containsExactly(blocks(counts, displs, all.length, size));
    }

    static void allgatherAndAlltoall(Comm w) {
        int size = w.size(), r = w.rank();
        for (int n : new int[]{0, 1, 4, 20_000}) {
            float[] mine = new float[n], all = new float[n * size];
            Arrays.fill(mine, r + 0.25f);
            w.allgather(mine, all);
            for (int i = 0; i < all.length; i++) assertThat(all[i]).isEqualTo(i / n + 0.25f);
            char[] out = new char[n * size], in = new char[n * size];
            for (int i = 0; i < out.length; i++) out[i] = (char) ('A' + r * size + i / Math.max(n, 1));
            w.alltoall(out, in);
            for (int i = 0; i < in.length; i++) assertThat(in[i]).isEqualTo((char) ('A' + (i / n) * size + r));
        }
        // alltoallv: rank r sends q+1 elements to rank q
        int[] sc = new int[size], sd = new int[size], rc = new int[size], rd = new int[size];
        int st = 0, rt = 0;
        for (int q = 0; q < size; q++) {
            sc[q] = q + 1;
            sd[q] = st;
            st += sc[q];
            rc[q] = r + 1;
            rd[q] = rt;
            rt += rc[q];
        }
        short[] send = new short[st], recv = new short[rt];
        for (int q = 0; q < size; q++) for (int i = 0; i < sc[q]; i++) send[sd[q] + i] = (short) (r * 100 + q);
        w.alltoallv(send, sc, sd, recv, rc, rd);
        for (int q = 0; q < size; q++) for (int i = 0; i < rc[q]; i++) assertThat(recv[rd[q] + i]).isEqualTo((short) (q * 100 + r));
    }

    static void reduceScatterForms(Comm w) {
        int size = w.size(), r = w.rank();
        int[] counts = new int[size];
        int total = 0;
        for (int q = 0; q < size; q++) {
            counts[q] = (q * 5) % 7;
            total += counts[q];
        }
        double[] in = new double[total];
        for (int i = 0; i < total; i++) in[i] = Values.value(r, i, 6);
        double[] out = new double[counts[r]];
        w.reduceScatter(in, out, counts, Op.SUM);
        int off = 0;
        for (int q = 0; q < r; q++) off += counts[q];
        for (int i = 0; i < counts[r]; i++) assertThat(out[i]).isEqualTo(sumAt(size, off + i, 6));
        int[] blk = new int[3 * size], mine = new int[3];
        for (int i = 0; i < blk.length; i++) blk[i] = i + r;
        w.reduceScatterBlock(blk, mine, 3, Op.MAX);
        for (int i = 0; i < 3; i++) assertThat(mine[i]).isEqualTo(3 * r + i + size - 1);
    }

    static void nonblockingCollectivesMixWithPointToPoint(Comm w) {
        int size = w.size(), r = w.rank();
        double[] a = {r}, sum = new double[1];
        int[] b = new int[4];
        if (r == 0) Arrays.fill(b, 42);
        long[] gathered = new long[size];
        int next = (r + 1) % size, prev = (r - 1 + size) % size;
        int[] token = {r}, got = new int[1];
        Request[] reqs = {
                w.iallreduce(a, sum, Op.SUM),
                w.ibcast(b, 0),
                w.irecv(got, prev, 77),
                w.iallgather(new long[]{r * 2L}, gathered),
                w.isend(token, next, 77),
                w.ibarrier(),
                w.iscan(new int[]{1}, new int[1], Op.SUM),
        };
        Status[] st = Request.waitAll(reqs);
        assertThat(st).hasSize(reqs.length);
        assertThat(sum[0]).isEqualTo(size * (size - 1) / 2.0);
        assertThat(b).containsOnly(42);
        assertThat(got[0]).isEqualTo(prev);
        for (int q = 0; q < size; q++) assertThat(gathered[q]).isEqualTo(q * 2L);
        // two nonblocking collectives in flight at once, completed out of order
        double[] x = new double[1000], y = new double[1000];
        Arrays.fill(x, 1);
        Request first = w.iallreduce(x, y, Op.SUM);
        int[] c = new int[3];
        Request second = w.ireduce(new int[]{1, 2, 3}, c, Op.SUM, size - 1);
        second.await();
        first.await();
        assertThat(y).containsOnly(size);
        if (r == size - 1) assertThat(c).containsExactly(size, 2 * size, 3 * size);
    }

    /**
     * A nonblocking collective returns before the other ranks have called it (in MPI the call is
     * local): rank 0 starts each one and only then sends the token the other ranks wait for before
     * they join. A transport that ran it to completion in the call would hang here.
     */
    static void nonblockingCollectivesReturnBeforeOthersJoin(Comm w) {
        int size = w.size(), r = w.rank(), last = size - 1;
        double[] big = new double[100_000], bigSum = new double[big.length];
        Arrays.fill(big, r + 1);
        int[] b = new int[3];
        if (r == 0) Arrays.fill(b, 5);
        long[] g = new long[size];
        int[] red = new int[2], scanned = new int[1], scattered = new int[2], swapped = new int[size];
        int[] toScatter = new int[2 * size], toSwap = new int[size];
        for (int i = 0; i < toScatter.length; i++) toScatter[i] = 3 * i;
        for (int q = 0; q < size; q++) toSwap[q] = 100 * r + q;
        int[] block = new int[size], mine = new int[1];
        Arrays.fill(block, r);
        List<java.util.function.Supplier<Request>> starts = List.of(
                () -> w.iallreduce(big, bigSum, Op.SUM),
                () -> w.ibcast(b, 0),
                () -> w.ireduce(new int[]{1, r}, red, Op.SUM, last),
                () -> w.iallgather(new long[]{r + 10L}, g),
                () -> w.iscatter(toScatter, scattered, 0),
                () -> w.ialltoall(toSwap, swapped),
                () -> w.iscan(new int[]{r}, scanned, Op.MAX),
                () -> w.ireduceScatterBlock(block, mine, 1, Op.SUM),
                w::ibarrier);
        int[] token = {0};
        for (java.util.function.Supplier<Request> start : starts) {
            if (r == 0) {
                Request q = start.get();
                for (int p = 1; p < size; p++) w.send(token, p, 91);
                q.await();
            } else {
                w.recv(token, 0, 91);
                start.get().await();
            }
        }
        assertThat(bigSum).containsOnly(size * (size + 1) / 2.0);
        assertThat(b).containsOnly(5);
        if (r == last) assertThat(red).containsExactly(size, size * (size - 1) / 2);
        for (int q = 0; q < size; q++) assertThat(g[q]).isEqualTo(q + 10L);
        assertThat(scattered).containsExactly(6 * r, 6 * r + 3);
        for (int q = 0; q < size; q++) assertThat(swapped[q]).isEqualTo(100 * q + r);
        assertThat(scanned[0]).isEqualTo(r);
        assertThat(mine[0]).isEqualTo(size * (size - 1) / 2);
    }

    /**
     * Every collective's nonblocking form leaves exactly the buffers its blocking form leaves: the
     * blocks, the gaps between them, in-place forms, the root's and the other ranks' buffers. (A
     * transport may run the two forms by different means, as the native ones do.)
     */
    static void nonblockingFormsMatchBlocking(Comm w) {
        int size = w.size(), r = w.rank(), last = size - 1;
        int[] counts = new int[size], gapDispls = new int[size];
        int span = 0;
        for (int q = 0; q < size; q++) {
            counts[q] = 1 + (q * 2) % 3;
            gapDispls[q] = span + 1;   // one untouched element before every block
            span += counts[q] + 1;
        }
        int spanEnd = span + 2;
        bothWays(w, "bcast", b -> {
            int[] x = r == last ? (int[]) Values.input(ElementType.INT, 9, r, 3) : sentinel(9);
            done(b, b ? null : w.ibcast(x, 2, 5, last), () -> w.bcast(x, 2, 5, last));
            return x;
        });
        bothWays(w, "reduce", b -> {
            double[] in = (double[]) Values.input(ElementType.DOUBLE, 6, r, 5), out = dsentinel(8);
            done(b, b ? null : w.ireduce(in, 0, out, 1, 6, Op.SUM, 0), () -> w.reduce(in, 0, out, 1, 6, Op.SUM, 0));
            return out;
        });
        bothWays(w, "reduce in place", b -> {
            long[] x = {r, 2L * r, 7};
            done(b, b ? null : w.ireduce(x, x, Op.MAX, last), () -> w.reduce(x, x, Op.MAX, last));
            return r == last ? x : null;
        });
        bothWays(w, "allreduce", b -> {
            long[] in = {r, -r, 3}, out = {-1, -1, -1, -1};
            done(b, b ? null : w.iallreduce(in, 0, out, 1, 3, Op.SUM), () -> w.allreduce(in, 0, out, 1, 3, Op.SUM));
            return out;
        });
        bothWays(w, "allreduce in place", b -> {
            int[] x = {r, r * r, 1};
            done(b, b ? null : w.iallreduce(x, x, Op.SUM), () -> w.allreduce(x, x, Op.SUM));
            return x;
        });
        bothWays(w, "scan", b -> {
            float[] in = {r + 1f, 2f}, out = {-1f, -1f};
            done(b, b ? null : w.iscan(in, out, Op.PROD), () -> w.scan(in, out, Op.PROD));
            return out;
        });
        bothWays(w, "exscan", b -> {
            int[] in = {r + 1, 1}, out = {-9, -9};   // rank 0's stays as it is
            done(b, b ? null : w.iexscan(in, out, Op.SUM), () -> w.exscan(in, out, Op.SUM));
            return out;
        });
        bothWays(w, "gatherv with gaps", b -> {
            short[] in = new short[counts[r]], out = new short[spanEnd];
            for (int i = 0; i < in.length; i++) in[i] = (short) (10 * r + i);
            Arrays.fill(out, (short) -1);
            done(b, b ? null : w.igatherv(in, 0, counts[r], out, 1, counts, gapDispls, last),
                    () -> w.gatherv(in, 0, counts[r], out, 1, counts, gapDispls, last));
            return r == last ? out : null;
        });
        bothWays(w, "scatterv with gaps", b -> {
            double[] in = r == 0 ? (double[]) Values.input(ElementType.DOUBLE, spanEnd, 0, 7) : null, out = dsentinel(counts[r] + 2);
            done(b, b ? null : w.iscatterv(in, 0, counts, gapDispls, out, 1, counts[r], 0),
                    () -> w.scatterv(in, 0, counts, gapDispls, out, 1, counts[r], 0));
            return out;
        });
        bothWays(w, "allgatherv with gaps", b -> {
            char[] in = new char[counts[r]], out = new char[spanEnd];
            Arrays.fill(in, (char) ('a' + r));
            Arrays.fill(out, '.');
            done(b, b ? null : w.iallgatherv(in, 0, counts[r], out, 0, counts, gapDispls),
                    () -> w.allgatherv(in, 0, counts[r], out, 0, counts, gapDispls));
            return out;
        });
        bothWays(w, "allgather in place", b -> {
            int[] g = sentinel(2 * size);
            g[2 * r] = r;
            g[2 * r + 1] = -r;
            done(b, b ? null : w.iallgather(g, 2 * r, 2, g, 0), () -> w.allgather(g, 2 * r, 2, g, 0));
            return g;
        });
        bothWays(w, "alltoallv with gaps", b -> {
            int[] sc = new int[size], sd = new int[size], rc = new int[size], rd = new int[size];
            int sp = 0, rp = 0;
            for (int q = 0; q < size; q++) {
                sc[q] = 1 + (r + q) % 2;   // rank r sends 1 + (r+q)%2 to q: q receives the same from r
                sd[q] = sp + 1;
                sp += sc[q] + 1;
                rc[q] = 1 + (q + r) % 2;
                rd[q] = rp + 1;
                rp += rc[q] + 1;
            }
            long[] in = new long[sp], out = new long[rp + 1];
            for (int i = 0; i < sp; i++) in[i] = 1000L * r + i;
            Arrays.fill(out, -1);
            done(b, b ? null : w.ialltoallv(in, sc, sd, out, rc, rd), () -> w.alltoallv(in, sc, sd, out, rc, rd));
            return out;
        });
        bothWays(w, "reduceScatter", b -> {
            int total = 0;
            for (int c : counts) total += c;
            double[] in = (double[]) Values.input(ElementType.DOUBLE, total, r, 8), out = dsentinel(counts[r] + 1);
            done(b, b ? null : w.ireduceScatter(in, out, counts, Op.SUM), () -> w.reduceScatter(in, out, counts, Op.SUM));
            return out;
        });
        bothWays(w, "reduceScatter in place", b -> {
            int total = 0;
            for (int c : counts) total += c;
            int[] x = (int[]) Values.input(ElementType.INT, total, r, 4);
            done(b, b ? null : w.ireduceScatter(x, x, counts, Op.SUM), () -> w.reduceScatter(x, x, counts, Op.SUM));
            return Arrays.copyOf(x, counts[r]);   // MPI defines only this rank's block
        });
        bothWays(w, "bcast of a direct ByteBuffer", b -> {
            java.nio.ByteBuffer x = java.nio.ByteBuffer.allocateDirect(12);
            for (int i = 0; i < 12; i++) x.put(i, (byte) (r == 0 ? i + 1 : -1));
            done(b, b ? null : w.ibcast(x, 3, 6, 0), () -> w.bcast(x, 3, 6, 0));
            byte[] seen = new byte[12];
            x.get(0, seen);
            return seen;
        });
    }

    /**
     * Runs {@code run} with blocking = true, then false, and compares what it returns (the buffers
     * after the call) element by element.
     */
    private static void bothWays(Comm w, String what, java.util.function.Function<Boolean, Object> run) {
        String blocking = Arrays.deepToString(new Object[]{run.apply(true)});
        String nonblocking = Arrays.deepToString(new Object[]{run.apply(false)});
        assertThat(nonblocking).as("rank %d: %s: nonblocking form against the blocking form", w.rank(), what)
                .isEqualTo(blocking);
    }

    /** Blocking: runs the call; nonblocking: waits for the request the call returned. */
    private static void done(boolean blocking, Request nonblocking, Runnable call) {
        if (blocking) call.run();
        else nonblocking.await();
    }

    private static int[] sentinel(int n) {
        int[] a = new int[n];
        Arrays.fill(a, -7);
        return a;
    }

    private static double[] dsentinel(int n) {
        double[] a = new double[n];
        Arrays.fill(a, -7.5);
        return a;
    }

    static void objectCollectives(Comm w) {
        int size = w.size(), r = w.rank();
        Map<String, Object> m = w.bcastObject(r == 0 ? Map.of("key", List.of(7, 2.72), "n", 3) : null, 0);
        assertThat(m).containsEntry("n", 3);
        List<String> g = w.gatherObjects("rank" + r, size - 1);
        if (r == size - 1) {
            assertThat(g).hasSize(size);
            for (int q = 0; q < size; q++) assertThat(g.get(q)).isEqualTo("rank" + q);
        } else {
            assertThat(g).isNull();
        }
        List<Integer> all = w.allgatherObjects(r * r);
        for (int q = 0; q < size; q++) assertThat(all.get(q)).isEqualTo(q * q);
        List<List<Integer>> parts = null;
        if (r == 0) {
            parts = new ArrayList<>();
            for (int q = 0; q < size; q++) parts.add(List.of(q, q + 1));
        }
        List<Integer> mine = w.scatterObjects(parts, 0);
        assertThat(mine).containsExactly(r, r + 1);
        List<String> letters = new ArrayList<>();
        for (int q = 0; q < size; q++) letters.add(r + "->" + q);
        List<String> received = w.alltoallObjects(letters);
        for (int q = 0; q < size; q++) assertThat(received.get(q)).isEqualTo(q + "->" + r);
        StringBuilder expect = new StringBuilder();
        for (int q = 0; q < size; q++) expect.append(q);
        String reduced = w.reduceObject(String.valueOf(r), String::concat, 0);
        if (r == 0) assertThat(reduced).isEqualTo(expect.toString());
        assertThat((String) w.allreduceObject(String.valueOf(r), String::concat)).isEqualTo(expect.toString());
        assertThat((String) w.scanObject(String.valueOf(r), String::concat)).isEqualTo(expect.substring(0, r + 1));
        String ex = w.exscanObject(String.valueOf(r), String::concat);
        if (r == 0) assertThat(ex).isNull();
        else assertThat(ex).isEqualTo(expect.substring(0, r));
        Object nothing = w.bcastObject(null, size - 1);
        assertThat(nothing).isNull();
    }

    static void collectiveArgumentErrors(Comm w) {
        int size = w.size();
        Expect.error(w, ErrorClass.ROOT, "bcast", () -> w.bcast(new int[1], size));
        Expect.error(w, ErrorClass.ROOT, "reduce", () -> w.reduce(new int[1], new int[1], Op.SUM, -1));
        Expect.error(w, ErrorClass.COUNT, "gatherv", () ->
                w.gatherv(new int[1], 0, 1, new int[size + 1], 0, new int[size + 1], new int[size + 1], w.rank()));
        Expect.error(w, ErrorClass.OP, "allreduce", () -> w.allreduce(new boolean[1], new boolean[1], Op.SUM));
        Expect.error(w, ErrorClass.OP, "allreduce", () -> w.allreduce(new char[1], new char[1], Op.PROD));
        Expect.error(w, ErrorClass.COUNT, "allreduce", () -> w.allreduce(new int[3], new int[3], Op.MINLOC));
        if (size > 1) {
            int[] counts = new int[size], displs = new int[size];
            Arrays.fill(counts, 2);
            for (int q = 0; q < size; q++) displs[q] = q; // blocks of 2 at steps of 1 overlap
            Expect.error(w, ErrorClass.BUFFER, "allgatherv", () ->
                    w.allgatherv(new int[2], 0, 2, new int[2 * size], 0, counts, displs));
        }
        Expect.error(w, ErrorClass.BUFFER, "allreduce", () -> w.allreduce(new int[2], 0, new int[1], 0, 2, Op.SUM));
        Expect.error(w, ErrorClass.OP, "allreduce", () -> w.allreduce(new int[1], new int[1], null));
        // the suite goes on: the communicator is still usable after refused calls
        assertThat(w.allreduce(1, Op.SUM)).isEqualTo(size);
    }
}
