package dev.cohort.collectives;

import dev.cohort.Comm;
import dev.cohort.Op;
import dev.cohort.testing.RankHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class QuickCollectivesTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 8})
    void basics(int np) {
        RankHarness.run(np, Duration.ofSeconds(30), (Comm w) -> {
            int n = w.size(), r = w.rank();
            w.barrier();
            for (int count : new int[]{0, 1, 7, 100_000}) {
                for (int root = 0; root < n; root++) {
                    double[] b = new double[count];
                    if (r == root) for (int i = 0; i < count; i++) b[i] = i + root;
                    w.bcast(b, root);
                    for (int i = 0; i < count; i++) assertThat(b[i]).isEqualTo(i + root);
                    double[] s = new double[count], out = new double[count];
                    for (int i = 0; i < count; i++) s[i] = r + i;
                    w.reduce(s, out, Op.SUM, root);
                    if (r == root) for (int i = 0; i < count; i++) assertThat(out[i]).isEqualTo(n * (n - 1) / 2.0 + (double) n * i);
                }
                double[] s = new double[count], out = new double[count];
                for (int i = 0; i < count; i++) s[i] = r + i;
                w.allreduce(s, out, Op.SUM);
                for (int i = 0; i < count; i++) assertThat(out[i]).isEqualTo(n * (n - 1) / 2.0 + (double) n * i);
                w.allreduce(s, s, Op.MAX);
                for (int i = 0; i < count; i++) assertThat(s[i]).isEqualTo(n - 1 + i);
                // rank order for a non-commutative operation: "keep the left" gives rank 0's value
                long[] v = new long[count], res = new long[count];
                java.util.Arrays.fill(v, r + 10);
                Op left = Op.ofLong("left", (a, b2) -> a, false);
                w.allreduce(v, res, left);
                for (long x : res) assertThat(x).isEqualTo(10);
                w.scan(v, res, Op.SUM);
                for (long x : res) assertThat(x).isEqualTo((long) (r + 1) * 10 + (long) r * (r + 1) / 2);
                java.util.Arrays.fill(res, -1);
                w.exscan(v, res, Op.SUM);
                for (long x : res) assertThat(x).isEqualTo(r == 0 ? -1 : (long) r * 10 + (long) (r - 1) * r / 2);
                int[] mine = new int[count], all = new int[count * n];
                java.util.Arrays.fill(mine, r);
                w.allgather(mine, all);
                for (int i = 0; i < all.length; i++) assertThat(all[i]).isEqualTo(i / count);
                int[] a2a = new int[count * n], got = new int[count * n];
                for (int i = 0; i < a2a.length; i++) a2a[i] = r * 1000 + i / Math.max(count, 1);
                w.alltoall(a2a, got);
                for (int i = 0; i < got.length; i++) assertThat(got[i]).isEqualTo((i / count) * 1000 + r);
                int[] rs = new int[count * n], rsOut = new int[count];
                java.util.Arrays.fill(rs, 1);
                w.reduceScatterBlock(rs, rsOut, count, Op.SUM);
                for (int x : rsOut) assertThat(x).isEqualTo(n);
            }
            List<String> names = w.allgatherObjects("r" + r);
            assertThat(names).hasSize(n);
            assertThat(w.allreduceObject("" + r, String::concat)).isEqualTo(concat(n));
            assertThat(w.allreduce(1.5, Op.SUM)).isEqualTo(1.5 * n);
            Comm even = w.split(r % 2, -r);
            assertThat(even.size()).isEqualTo((n + 1 - r % 2) / 2);
            assertThat(even.allreduce(1, Op.SUM)).isEqualTo(even.size());
            Comm d = w.dup();
            assertThat(d.bcastObject(r == 0 ? "hi" : null, 0)).isEqualTo("hi");
        });
    }

    private static String concat(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append(i);
        return sb.toString();
    }
}
