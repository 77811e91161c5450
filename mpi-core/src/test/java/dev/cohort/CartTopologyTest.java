package dev.cohort;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static dev.cohort.GroupTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

class CartTopologyTest {

    private static CartTopology grid(int[] dims, boolean... periods) {
        return CartTopology.of(dims, periods);
    }

    @Nested
    class Construction {
        @Test
        void describesTheGrid() {
            CartTopology t = grid(new int[] {2, 3, 4}, true, false, true);
            assertThat(t.ndims()).isEqualTo(3);
            assertThat(t.dims()).containsExactly(2, 3, 4);
            assertThat(t.periods()).containsExactly(true, false, true);
            assertThat(t.size()).isEqualTo(24);
            assertThat(t).hasToString("CartTopology[2p x 3 x 4p]");
        }

        @Test
        void copiesArraysInAndOut() {
            int[] dims = {2, 3};
            boolean[] periods = {false, false};
            CartTopology t = CartTopology.of(dims, periods);
            dims[0] = 7;
            periods[0] = true;
            t.dims()[1] = 9;
            t.periods()[1] = true;
            assertThat(t.dims()).containsExactly(2, 3);
            assertThat(t.periods()).containsExactly(false, false);
        }

        @Test
        void zeroDimensionsIsOneRank() {
            CartTopology t = grid(new int[0]);
            assertThat(t.ndims()).isZero();
            assertThat(t.size()).isEqualTo(1);
            assertThat(t.coords(0)).isEmpty();
            assertThat(t.rank()).isZero();
            assertThat(t).hasToString("CartTopology[]");
        }

        @Test
        void equalsAndHashCode() {
            assertThat(grid(new int[] {2, 3}, true, false)).isEqualTo(grid(new int[] {2, 3}, true, false))
                    .hasSameHashCodeAs(grid(new int[] {2, 3}, true, false));
            assertThat(grid(new int[] {2, 3}, true, false)).isNotEqualTo(grid(new int[] {2, 3}, false, false))
                    .isNotEqualTo(grid(new int[] {3, 2}, true, false));
        }

        @Test
        void rejectsBadDimsAndPeriods() {
            assertError(() -> CartTopology.of(new int[] {2, 0}, new boolean[2]), ErrorClass.TOPOLOGY,
                    "CartTopology.of", "dims[1] = 0", "not positive");
            assertError(() -> CartTopology.of(new int[] {-2}, new boolean[1]), ErrorClass.TOPOLOGY,
                    "dims[0] = -2");
            assertError(() -> CartTopology.of(new int[] {2, 3}, new boolean[3]), ErrorClass.TOPOLOGY,
                    "dims has 2 entries but periods has 3");
            assertError(() -> CartTopology.of(null, new boolean[0]), ErrorClass.ARG, "dims is null");
            assertError(() -> CartTopology.of(new int[0], null), ErrorClass.ARG, "periods is null");
            assertError(() -> CartTopology.of(new int[] {65536, 65536}, new boolean[2]), ErrorClass.TOPOLOGY,
                    "more than Integer.MAX_VALUE");
        }
    }

    @Nested
    class RanksAndCoords {
        @Test
        void rowMajorLastDimensionFastest() {
            CartTopology t = grid(new int[] {2, 3}, false, false);
            assertThat(t.coords(0)).containsExactly(0, 0);
            assertThat(t.coords(1)).containsExactly(0, 1);
            assertThat(t.coords(2)).containsExactly(0, 2);
            assertThat(t.coords(3)).containsExactly(1, 0);
            assertThat(t.coords(5)).containsExactly(1, 2);
            assertThat(t.rank(1, 1)).isEqualTo(4);

            CartTopology u = grid(new int[] {3, 2}, false, false);
            assertThat(u.coords(1)).containsExactly(0, 1);
            assertThat(u.coords(2)).containsExactly(1, 0);
            assertThat(u.coords(5)).containsExactly(2, 1);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.cohort.CartTopologyTest#shapes")
        void roundTrip(CartTopology t) {
            Set<String> seen = new HashSet<>();
            for (int r = 0; r < t.size(); r++) {
                int[] c = t.coords(r);
                assertThat(c).hasSize(t.ndims());
                for (int d = 0; d < c.length; d++) assertThat(c[d]).isBetween(0, t.dims()[d] - 1);
                assertThat(seen.add(Arrays.toString(c))).as("coords of %d are unique", r).isTrue();
                assertThat(t.rank(c)).isEqualTo(r);
            }
        }

        @Test
        void periodicDimensionsWrapAnyInteger() {
            CartTopology t = grid(new int[] {2, 3, 2}, true, false, true);
            int base = t.rank(1, 2, 0);
            assertThat(t.rank(-1, 2, 0)).isEqualTo(base);
            assertThat(t.rank(3, 2, 2)).isEqualTo(base);
            assertThat(t.rank(-7, 2, -4)).isEqualTo(base);
            assertThat(t.rank(Integer.MIN_VALUE + 1, 2, Integer.MAX_VALUE - 1)).isEqualTo(base);
            assertThat(t.rank(Integer.MAX_VALUE, 2, Integer.MIN_VALUE)).isEqualTo(base);
        }

        @Test
        void nonPeriodicOutOfRangeIsARankError() {
            CartTopology t = grid(new int[] {2, 3, 2}, true, false, true);
            assertError(() -> t.rank(0, 3, 0), ErrorClass.RANK, "CartTopology.rank", "coords[1] = 3",
                    "0..2", "non-periodic dimension 1");
            assertError(() -> t.rank(0, -1, 0), ErrorClass.RANK, "coords[1] = -1");
        }

        @Test
        void rejectsBadArguments() {
            CartTopology t = grid(new int[] {2, 3}, false, true);
            assertError(() -> t.rank(0), ErrorClass.TOPOLOGY, "CartTopology.rank", "coords has 1 entries",
                    "2 dimensions");
            assertError(() -> t.rank(0, 0, 0), ErrorClass.TOPOLOGY, "coords has 3 entries");
            assertError(() -> t.rank((int[]) null), ErrorClass.ARG, "coords is null");
            assertError(() -> t.coords(6), ErrorClass.RANK, "CartTopology.coords", "rank = 6", "0..5");
            assertError(() -> t.coords(-1), ErrorClass.RANK, "rank = -1");
            assertError(() -> t.coords(Comm.PROC_NULL), ErrorClass.RANK, "rank = -2");
        }
    }

    @Nested
    class Shifts {
        @Test
        void nonPeriodicEdgesGiveProcNull() {
            CartTopology t = grid(new int[] {2, 3}, false, false);
            // Along dimension 1 in row 0: ranks 0, 1, 2.
            assertThat(t.shift(0, 1, 1)).isEqualTo(new CartTopology.Shift(Comm.PROC_NULL, 1));
            assertThat(t.shift(1, 1, 1)).isEqualTo(new CartTopology.Shift(0, 2));
            assertThat(t.shift(2, 1, 1)).isEqualTo(new CartTopology.Shift(1, Comm.PROC_NULL));
            assertThat(t.shift(1, 1, 2)).isEqualTo(new CartTopology.Shift(Comm.PROC_NULL, Comm.PROC_NULL));
            assertThat(t.shift(0, 1, 2)).isEqualTo(new CartTopology.Shift(Comm.PROC_NULL, 2));
            // Along dimension 0: rank 4 = (1, 1).
            assertThat(t.shift(4, 0, 1)).isEqualTo(new CartTopology.Shift(1, Comm.PROC_NULL));
            assertThat(t.shift(4, 0, -1)).isEqualTo(new CartTopology.Shift(Comm.PROC_NULL, 1));
        }

        @Test
        void periodicDimensionsWrap() {
            CartTopology t = grid(new int[] {2, 3}, false, true);
            assertThat(t.shift(0, 1, 1)).isEqualTo(new CartTopology.Shift(2, 1));
            assertThat(t.shift(2, 1, 1)).isEqualTo(new CartTopology.Shift(1, 0));
            assertThat(t.shift(5, 1, -1)).isEqualTo(new CartTopology.Shift(3, 4));
            assertThat(t.shift(3, 1, 4)).isEqualTo(new CartTopology.Shift(5, 4));
            assertThat(t.shift(3, 1, 3)).isEqualTo(new CartTopology.Shift(3, 3));
            assertThat(t.shift(4, 1, Integer.MIN_VALUE)).isEqualTo(t.shift(4, 1, Integer.MIN_VALUE % 3));
            assertThat(t.shift(4, 1, Integer.MAX_VALUE)).isEqualTo(t.shift(4, 1, Integer.MAX_VALUE % 3));
        }

        @Test
        void zeroDisplacementIsSelf() {
            CartTopology t = grid(new int[] {2, 3}, false, false);
            assertThat(t.shift(5, 0, 0)).isEqualTo(new CartTopology.Shift(5, 5));
        }

        @Test
        void hugeDisplacementOnNonPeriodicIsProcNull() {
            CartTopology t = grid(new int[] {2, 3}, false, false);
            assertThat(t.shift(1, 1, Integer.MIN_VALUE))
                    .isEqualTo(new CartTopology.Shift(Comm.PROC_NULL, Comm.PROC_NULL));
        }

        @Test
        void sourceAndDestAreInverse() {
            CartTopology t = grid(new int[] {3, 4, 2}, true, false, true);
            for (int r = 0; r < t.size(); r++) {
                for (int dir = 0; dir < 3; dir++) {
                    for (int disp = -5; disp <= 5; disp++) {
                        CartTopology.Shift s = t.shift(r, dir, disp);
                        if (s.dest() != Comm.PROC_NULL) assertThat(t.shift(s.dest(), dir, disp).source()).isEqualTo(r);
                        if (s.source() != Comm.PROC_NULL) assertThat(t.shift(s.source(), dir, disp).dest()).isEqualTo(r);
                        assertThat(t.shift(r, dir, -disp)).isEqualTo(new CartTopology.Shift(s.dest(), s.source()));
                        // Only the shifted coordinate changes.
                        if (s.dest() != Comm.PROC_NULL) {
                            int[] a = t.coords(r);
                            int[] b = t.coords(s.dest());
                            for (int d = 0; d < 3; d++) {
                                if (d != dir) assertThat(b[d]).isEqualTo(a[d]);
                            }
                        }
                    }
                }
            }
        }

        @Test
        void rejectsBadArguments() {
            CartTopology t = grid(new int[] {2, 3}, false, false);
            assertError(() -> t.shift(0, 2, 1), ErrorClass.TOPOLOGY, "CartTopology.shift", "direction = 2",
                    "0..1");
            assertError(() -> t.shift(0, -1, 1), ErrorClass.TOPOLOGY, "direction = -1");
            assertError(() -> t.shift(6, 0, 1), ErrorClass.RANK, "CartTopology.shift", "rank = 6");
            assertError(() -> grid(new int[0]).shift(0, 0, 1), ErrorClass.TOPOLOGY, "no dimensions");
        }
    }

    @Nested
    class SubGrids {
        final CartTopology t = grid(new int[] {2, 3}, true, false);

        @Test
        void keepDimension1GivesRows() {
            boolean[] keep = {false, true};
            for (int r = 0; r < 6; r++) {
                CartTopology.SubGrid s = t.sub(r, keep);
                int[] c = t.coords(r);
                assertThat(s.color()).as("row of %d", r).isEqualTo(c[0]);
                assertThat(s.key()).isEqualTo(c[1]);
                assertThat(s.topology()).isEqualTo(grid(new int[] {3}, false));
            }
        }

        @Test
        void keepDimension0GivesColumns() {
            boolean[] keep = {true, false};
            for (int r = 0; r < 6; r++) {
                CartTopology.SubGrid s = t.sub(r, keep);
                int[] c = t.coords(r);
                assertThat(s.color()).as("column of %d", r).isEqualTo(c[1]);
                assertThat(s.key()).isEqualTo(c[0]);
                assertThat(s.topology()).isEqualTo(grid(new int[] {2}, true));
            }
            assertThat(t.sub(4, keep)).isEqualTo(new CartTopology.SubGrid(1, 1, grid(new int[] {2}, true)));
        }

        @Test
        void keepAllAndKeepNone() {
            for (int r = 0; r < 6; r++) {
                assertThat(t.sub(r, new boolean[] {true, true})).isEqualTo(new CartTopology.SubGrid(0, r, t));
                CartTopology.SubGrid none = t.sub(r, new boolean[] {false, false});
                assertThat(none.color()).isEqualTo(r);
                assertThat(none.key()).isZero();
                assertThat(none.topology().ndims()).isZero();
                assertThat(none.topology().size()).isEqualTo(1);
            }
        }

        @Test
        void subGridsPartitionAndPreserveNeighbours() {
            CartTopology g = grid(new int[] {2, 3, 4}, false, true, false);
            boolean[] keep = {true, false, true};
            Map<Integer, List<Integer>> byColor = new HashMap<>();
            for (int r = 0; r < g.size(); r++) {
                CartTopology.SubGrid s = g.sub(r, keep);
                assertThat(s.topology()).isEqualTo(grid(new int[] {2, 4}, false, false));
                List<Integer> members = byColor.computeIfAbsent(s.color(), c -> new ArrayList<>());
                while (members.size() <= s.key()) members.add(null);
                assertThat(members.get(s.key())).as("key %d of color %d is unique", s.key(), s.color()).isNull();
                members.set(s.key(), r);
                // The sub-grid coordinates are the kept coordinates of the full grid.
                int[] c = g.coords(r);
                assertThat(s.topology().coords(s.key())).containsExactly(c[0], c[2]);
                assertThat(s.color()).isEqualTo(c[1]);
            }
            assertThat(byColor).hasSize(3);
            byColor.values().forEach(m -> assertThat(m).hasSize(8).doesNotContainNull());
        }

        @Test
        void rejectsBadArguments() {
            assertError(() -> t.sub(0, new boolean[] {true}), ErrorClass.TOPOLOGY, "CartTopology.sub",
                    "remainDims has 1 entries", "2 dimensions");
            assertError(() -> t.sub(0, null), ErrorClass.ARG, "remainDims is null");
            assertError(() -> t.sub(6, new boolean[2]), ErrorClass.RANK, "CartTopology.sub", "rank = 6");
        }
    }

    @Nested
    class DimsCreate {
        @Test
        void examples() {
            assertThat(CartTopology.dimsCreate(6, new int[] {0, 0})).containsExactly(3, 2);
            assertThat(CartTopology.dimsCreate(7, new int[] {0, 0})).containsExactly(7, 1);
            assertThat(CartTopology.dimsCreate(6, new int[] {0, 3, 0})).containsExactly(2, 3, 1);
            assertThat(CartTopology.dimsCreate(12, new int[] {0, 0, 0})).containsExactly(3, 2, 2);
            assertThat(CartTopology.dimsCreate(16, new int[] {0, 0})).containsExactly(4, 4);
            assertThat(CartTopology.dimsCreate(24, new int[] {0, 0, 0})).containsExactly(4, 3, 2);
            assertThat(CartTopology.dimsCreate(1, new int[] {0, 0, 0})).containsExactly(1, 1, 1);
            assertThat(CartTopology.dimsCreate(8, new int[] {0})).containsExactly(8);
            assertThat(CartTopology.dimsCreate(12, new int[] {0, 0, 0, 0, 0})).containsExactly(3, 2, 2, 1, 1);
            assertThat(CartTopology.dimsCreate(64, new int[] {0, 0, 0})).containsExactly(4, 4, 4);
            assertThat(CartTopology.dimsCreate(30, new int[] {0, 0, 0})).containsExactly(5, 3, 2);
            assertThat(CartTopology.dimsCreate(36, new int[] {0, 0})).containsExactly(6, 6);
        }

        @Test
        void fixedEntriesAreKept() {
            assertThat(CartTopology.dimsCreate(24, new int[] {0, 2, 0})).containsExactly(4, 2, 3);
            assertThat(CartTopology.dimsCreate(12, new int[] {4, 0, 0})).containsExactly(4, 3, 1);
            assertThat(CartTopology.dimsCreate(6, new int[] {2, 3})).containsExactly(2, 3);
            assertThat(CartTopology.dimsCreate(1, new int[0])).isEmpty();
        }

        @Test
        void doesNotModifyItsArgument() {
            int[] dims = {0, 3, 0};
            int[] out = CartTopology.dimsCreate(6, dims);
            assertThat(dims).containsExactly(0, 3, 0);
            assertThat(out).isNotSameAs(dims);
            int[] fixed = {2, 3};
            assertThat(CartTopology.dimsCreate(6, fixed)).isNotSameAs(fixed);
        }

        @Test
        void largeInputsAreFastEnoughAndExact() {
            assertThat(CartTopology.dimsCreate(1 << 30, new int[] {0, 0, 0})).containsExactly(1024, 1024, 1024);
            assertThat(CartTopology.dimsCreate(Integer.MAX_VALUE, new int[] {0, 0})).containsExactly(Integer.MAX_VALUE, 1);
            assertThat(CartTopology.dimsCreate(2 * 1_000_003, new int[] {0, 0, 0})).containsExactly(1_000_003, 2, 1);
            // 735134400 = 2^6 3^3 5^2 7 11 13 17, with one free slot per prime factor and more.
            int[] many = CartTopology.dimsCreate(735_134_400, new int[17]);
            assertThat(many).containsExactly(17, 13, 11, 7, 5, 5, 3, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1);
            int[] some = CartTopology.dimsCreate(735_134_400, new int[6]);
            assertThat(product(some)).isEqualTo(735_134_400L);
        }

        @Test
        void matchesExhaustiveSearchForSmallInputs() {
            for (int k = 1; k <= 4; k++) {
                for (int n = 1; n <= 300; n++) {
                    int[] expected = bruteForceBest(n, k);
                    assertThat(CartTopology.dimsCreate(n, new int[k])).as("dimsCreate(%d, %d zeros)", n, k)
                            .containsExactly(expected);
                }
            }
        }

        @Test
        void resultAlwaysMultipliesToNnodesAndIsNonIncreasingOnFreeEntries() {
            int[] pattern = {0, 2, 0, 0};
            for (int n = 2; n <= 400; n += 2) {
                int[] out = CartTopology.dimsCreate(n, pattern);
                assertThat(product(out)).isEqualTo(n);
                assertThat(out[1]).isEqualTo(2);
                assertThat(out[0]).isGreaterThanOrEqualTo(out[2]);
                assertThat(out[2]).isGreaterThanOrEqualTo(out[3]);
                assertThat(out[3]).isGreaterThanOrEqualTo(1);
            }
        }

        @Test
        void errors() {
            assertError(() -> CartTopology.dimsCreate(7, new int[] {0, 3, 0}), ErrorClass.TOPOLOGY,
                    "CartTopology.dimsCreate", "nnodes = 7", "not a multiple", "fixed dims 3");
            assertError(() -> CartTopology.dimsCreate(10, new int[] {2, 0, 4}), ErrorClass.TOPOLOGY,
                    "nnodes = 10", "2*4 = 8");
            assertError(() -> CartTopology.dimsCreate(6, new int[] {2, 2}), ErrorClass.TOPOLOGY,
                    "all fixed", "2*2 = 4", "nnodes = 6");
            assertError(() -> CartTopology.dimsCreate(2, new int[0]), ErrorClass.TOPOLOGY, "all fixed",
                    "nnodes = 2");
            assertError(() -> CartTopology.dimsCreate(0, new int[] {0, 0}), ErrorClass.TOPOLOGY,
                    "nnodes = 0", "less than 1");
            assertError(() -> CartTopology.dimsCreate(-4, new int[] {0}), ErrorClass.TOPOLOGY, "nnodes = -4");
            assertError(() -> CartTopology.dimsCreate(6, new int[] {0, -2}), ErrorClass.TOPOLOGY,
                    "dims[1] = -2", "negative");
            assertError(() -> CartTopology.dimsCreate(6, null), ErrorClass.ARG, "dims is null");
            assertError(() -> CartTopology.dimsCreate(6, new int[] {65536, 65536, 0}), ErrorClass.TOPOLOGY,
                    "not a multiple", "more than Integer.MAX_VALUE");
        }

        /** The lexicographically smallest non-increasing k-tuple with product n, by enumerating all. */
        private int[] bruteForceBest(int n, int k) {
            List<int[]> all = new ArrayList<>();
            enumerate(n, k, n, new int[k], 0, all);
            return all.stream().min(Arrays::compare).orElseThrow();
        }

        private void enumerate(int rest, int k, int cap, int[] acc, int i, List<int[]> out) {
            if (i == k) {
                if (rest == 1) out.add(acc.clone());
                return;
            }
            for (int f = 1; f <= Math.min(cap, rest); f++) {
                if (rest % f == 0) {
                    acc[i] = f;
                    enumerate(rest / f, k, f, acc, i + 1, out);
                }
            }
        }

        private long product(int[] a) {
            long p = 1;
            for (int v : a) p *= v;
            return p;
        }
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(grid(new int[] {2, 3}, false, false)),
                Arguments.of(grid(new int[] {3, 2}, true, false)),
                Arguments.of(grid(new int[] {2, 2, 2}, true, false, true)),
                Arguments.of(grid(new int[] {4, 1, 3}, false, true, false)),
                Arguments.of(grid(new int[] {5}, true)),
                Arguments.of(grid(new int[0])));
    }
}
