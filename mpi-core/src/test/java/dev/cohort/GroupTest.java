package dev.cohort;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupTest {

    /** Asserts a CohortException of the given class whose message contains every fragment. */
    static void assertError(ThrowingCallable call, ErrorClass errorClass, String... fragments) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(CohortException.class, e -> {
                    assertThat(e.errorClass()).isEqualTo(errorClass);
                    assertThat(e.rank()).isEqualTo(-1);
                    assertThat(e.detail()).contains(fragments);
                });
    }

    @Nested
    class Construction {
        @Test
        void ofKeepsOrder() {
            Group g = Group.of(5, 0, 3);
            assertThat(g.size()).isEqualTo(3);
            assertThat(g.toArray()).containsExactly(5, 0, 3);
            assertThat(g.worldRank(0)).isEqualTo(5);
            assertThat(g.worldRank(2)).isEqualTo(3);
        }

        @Test
        void ofCopiesItsArgumentAndToArrayReturnsACopy() {
            int[] ranks = {1, 2, 3};
            Group g = Group.of(ranks);
            ranks[0] = 99;
            assertThat(g.toArray()).containsExactly(1, 2, 3);
            g.toArray()[1] = 42;
            assertThat(g.worldRank(1)).isEqualTo(2);
        }

        @Test
        void ofNothingIsEmpty() {
            assertThat(Group.of()).isSameAs(Group.EMPTY);
            assertThat(Group.EMPTY.size()).isZero();
            assertThat(Group.EMPTY.toArray()).isEmpty();
        }

        @Test
        void ofAcceptsLargeWorldRanks() {
            Group g = Group.of(Integer.MAX_VALUE, 0);
            assertThat(g.rankOf(Integer.MAX_VALUE)).isZero();
            assertThat(g.rankOf(0)).isEqualTo(1);
        }

        @Test
        void ofRejectsNegativeRepeatedAndNull() {
            assertError(() -> Group.of(0, -1), ErrorClass.RANK, "Group.of", "worldRanks[1] = -1", "negative");
            assertError(() -> Group.of(4, 2, 7, 2), ErrorClass.RANK, "Group.of", "worldRanks[3] = 2",
                    "repeats worldRanks[1]");
            assertError(() -> Group.of((int[]) null), ErrorClass.ARG, "Group.of", "worldRanks is null");
        }

        @Test
        void range() {
            assertThat(Group.range(4).toArray()).containsExactly(0, 1, 2, 3);
            assertThat(Group.range(0)).isSameAs(Group.EMPTY);
            assertError(() -> Group.range(-3), ErrorClass.ARG, "Group.range", "n = -3");
        }
    }

    @Nested
    class Lookup {
        @Test
        void rankOfAndContains() {
            Group g = Group.of(7, 3, 9);
            assertThat(g.rankOf(7)).isZero();
            assertThat(g.rankOf(3)).isEqualTo(1);
            assertThat(g.rankOf(9)).isEqualTo(2);
            assertThat(g.rankOf(4)).isEqualTo(Comm.UNDEFINED);
            assertThat(g.rankOf(-2)).isEqualTo(Comm.UNDEFINED);
            assertThat(g.contains(9)).isTrue();
            assertThat(g.contains(8)).isFalse();
            assertThat(Group.EMPTY.rankOf(0)).isEqualTo(Comm.UNDEFINED);
        }

        @Test
        void worldRankRejectsRanksOutsideTheGroup() {
            Group g = Group.of(7, 3, 9);
            assertError(() -> g.worldRank(3), ErrorClass.RANK, "Group.worldRank", "groupRank = 3", "0..2");
            assertError(() -> g.worldRank(-1), ErrorClass.RANK, "groupRank = -1");
            assertError(() -> Group.EMPTY.worldRank(0), ErrorClass.RANK, "group is empty");
        }

        @Test
        void rankOfInvertsWorldRank() {
            Group g = Group.of(12, 4, 0, 33, 8, 1);
            for (int r = 0; r < g.size(); r++) {
                assertThat(g.rankOf(g.worldRank(r))).isEqualTo(r);
            }
        }
    }

    @Nested
    class InclExcl {
        final Group g = Group.of(10, 11, 12, 13, 14);

        @Test
        void inclTakesRanksInTheGivenOrder() {
            assertThat(g.incl(3, 0, 4).toArray()).containsExactly(13, 10, 14);
            assertThat(g.incl()).isSameAs(Group.EMPTY);
        }

        @Test
        void exclKeepsThisGroupsOrder() {
            assertThat(g.excl(3, 0).toArray()).containsExactly(11, 12, 14);
            assertThat(g.excl()).isEqualTo(g);
            assertThat(g.excl(0, 1, 2, 3, 4)).isSameAs(Group.EMPTY);
        }

        @Test
        void inclRejectsBadRanks() {
            assertError(() -> g.incl(1, 5), ErrorClass.RANK, "Group.incl", "ranks[1] = 5", "0..4");
            assertError(() -> g.incl(-1), ErrorClass.RANK, "Group.incl", "ranks[0] = -1");
            assertError(() -> g.incl(2, 1, 2), ErrorClass.RANK, "Group.incl", "ranks[2] = 2", "repeats ranks[0]");
            assertError(() -> g.incl((int[]) null), ErrorClass.ARG, "Group.incl", "ranks is null");
        }

        @Test
        void exclRejectsBadRanks() {
            assertError(() -> g.excl(9), ErrorClass.RANK, "Group.excl", "ranks[0] = 9");
            assertError(() -> g.excl(4, 4), ErrorClass.RANK, "Group.excl", "ranks[1] = 4", "repeats ranks[0]");
            assertError(() -> g.excl((int[]) null), ErrorClass.ARG, "Group.excl", "ranks is null");
        }

        @Test
        void inclUsesGroupRanksNotWorldRanks() {
            assertError(() -> g.incl(10), ErrorClass.RANK, "ranks[0] = 10");
        }
    }

    @Nested
    class Ranges {
        final Group g = Group.range(10).incl(9, 8, 7, 6, 5, 4, 3, 2, 1, 0); // world rank = 9 - group rank

        @Test
        void positiveStrideDoesNotPassLast() {
            assertThat(g.rangeIncl(new int[][] {{0, 6, 3}}).toArray()).containsExactly(9, 6, 3);
            assertThat(g.rangeIncl(new int[][] {{0, 7, 3}}).toArray()).containsExactly(9, 6, 3);
        }

        @Test
        void negativeStrideAndSeveralTriplesInOrder() {
            Group r = g.rangeIncl(new int[][] {{7, 5, -1}, {0, 4, 2}});
            assertThat(r.toArray()).containsExactly(2, 3, 4, 9, 7, 5);
        }

        @Test
        void singleRankTriples() {
            assertThat(g.rangeIncl(new int[][] {{4, 4, 1}, {2, 2, -5}}).toArray()).containsExactly(5, 7);
        }

        @Test
        void noTriples() {
            assertThat(g.rangeIncl(new int[0][])).isSameAs(Group.EMPTY);
            assertThat(g.rangeExcl(new int[0][])).isEqualTo(g);
        }

        @Test
        void rangeInclMatchesInclOfTheExpandedRanks() {
            int[][] triples = {{9, 1, -4}, {2, 3, 1}};
            assertThat(g.rangeIncl(triples)).isEqualTo(g.incl(9, 5, 1, 2, 3));
        }

        @Test
        void rangeExclKeepsThisGroupsOrder() {
            Group r = g.rangeExcl(new int[][] {{9, 1, -4}, {2, 3, 1}});
            assertThat(r).isEqualTo(g.excl(9, 5, 1, 2, 3));
            assertThat(r.toArray()).containsExactly(9, 5, 3, 2, 1);
        }

        @Test
        void rejectsZeroStride() {
            assertError(() -> g.rangeIncl(new int[][] {{0, 3, 1}, {1, 5, 0}}), ErrorClass.ARG, "Group.rangeIncl",
                    "triples[1] = {1, 5, 0}", "stride 0");
        }

        @Test
        void rejectsStrideThatLeadsAwayFromLast() {
            assertError(() -> g.rangeIncl(new int[][] {{5, 2, 1}}), ErrorClass.ARG, "triples[0] = {5, 2, 1}",
                    "leads away from last 2");
            assertError(() -> g.rangeExcl(new int[][] {{2, 5, -1}}), ErrorClass.ARG, "Group.rangeExcl",
                    "triples[0] = {2, 5, -1}");
        }

        @Test
        void rejectsRanksOutOfRange() {
            assertError(() -> g.rangeIncl(new int[][] {{0, 10, 2}}), ErrorClass.RANK, "triples[0] last = 10",
                    "0..9");
            assertError(() -> g.rangeIncl(new int[][] {{-1, 3, 1}}), ErrorClass.RANK, "triples[0] first = -1");
            assertError(() -> g.rangeExcl(new int[][] {{1, 1, 1}, {12, 0, -1}}), ErrorClass.RANK,
                    "Group.rangeExcl", "triples[1] first = 12");
        }

        @Test
        void rejectsRepeatedRanksWithinAndAcrossTriples() {
            assertError(() -> g.rangeIncl(new int[][] {{0, 6, 3}, {7, 5, -1}}), ErrorClass.RANK,
                    "rank 6 from triples[1] = {7, 5, -1}", "already produced by triples[0]");
            assertError(() -> g.rangeExcl(new int[][] {{4, 4, 1}, {4, 4, 1}}), ErrorClass.RANK,
                    "rank 4", "triples[0]");
        }

        @Test
        void rejectsMalformedTriples() {
            assertError(() -> g.rangeIncl(null), ErrorClass.ARG, "Group.rangeIncl", "triples is null");
            assertError(() -> g.rangeIncl(new int[][] {{0, 1, 1}, null}), ErrorClass.ARG, "triples[1] is null");
            assertError(() -> g.rangeIncl(new int[][] {{0, 1}}), ErrorClass.ARG, "triples[0] = [0, 1]",
                    "has 2 entries");
            assertError(() -> g.rangeExcl(new int[][] {{0, 1, 1, 1}}), ErrorClass.ARG, "has 4 entries");
        }
    }

    @Nested
    class SetOperations {
        final Group a = Group.of(4, 1, 7, 3);
        final Group b = Group.of(3, 8, 4, 0);

        @Test
        void unionIsThisThenTheRestOfOtherInItsOrder() {
            assertThat(a.union(b).toArray()).containsExactly(4, 1, 7, 3, 8, 0);
            assertThat(b.union(a).toArray()).containsExactly(3, 8, 4, 0, 1, 7);
        }

        @Test
        void intersectionAndDifferenceUseThisGroupsOrder() {
            assertThat(a.intersection(b).toArray()).containsExactly(4, 3);
            assertThat(b.intersection(a).toArray()).containsExactly(3, 4);
            assertThat(a.difference(b).toArray()).containsExactly(1, 7);
            assertThat(b.difference(a).toArray()).containsExactly(8, 0);
        }

        @Test
        void withEmpty() {
            assertThat(a.union(Group.EMPTY)).isEqualTo(a);
            assertThat(Group.EMPTY.union(a)).isEqualTo(a);
            assertThat(a.intersection(Group.EMPTY)).isSameAs(Group.EMPTY);
            assertThat(a.difference(Group.EMPTY)).isEqualTo(a);
            assertThat(Group.EMPTY.difference(a)).isSameAs(Group.EMPTY);
            assertThat(a.difference(a)).isSameAs(Group.EMPTY);
        }

        @Test
        void rejectNullGroups() {
            assertError(() -> a.union(null), ErrorClass.GROUP, "Group.union", "other is null");
            assertError(() -> a.intersection(null), ErrorClass.GROUP, "Group.intersection", "other is null");
            assertError(() -> a.difference(null), ErrorClass.GROUP, "Group.difference", "other is null");
        }

        @Test
        void algebraLawsOnRandomGroups() {
            Random rnd = new Random(20240611);
            for (int trial = 0; trial < 200; trial++) {
                Group x = randomGroup(rnd);
                Group y = randomGroup(rnd);
                Group z = randomGroup(rnd);

                // Idempotence and identities.
                assertThat(x.union(x)).isEqualTo(x);
                assertThat(x.intersection(x)).isEqualTo(x);
                assertThat(x.difference(x)).isEqualTo(Group.EMPTY);

                // Sizes: |x u y| = |x| + |y| - |x n y| = |x \ y| + |y \ x| + |x n y|.
                int inter = x.intersection(y).size();
                assertThat(x.union(y).size()).isEqualTo(x.size() + y.size() - inter)
                        .isEqualTo(x.difference(y).size() + y.difference(x).size() + inter);

                // Commutative as sets, not as orders.
                assertThat(Group.compare(x.union(y), y.union(x))).isNotEqualTo(Comparison.UNEQUAL);
                assertThat(Group.compare(x.intersection(y), y.intersection(x))).isNotEqualTo(Comparison.UNEQUAL);

                // Union is this group followed by the new members of other; union is associative exactly.
                Group u = x.union(y);
                assertThat(u.incl(range(0, x.size()))).isEqualTo(x);
                assertThat(x.union(y).union(z)).isEqualTo(x.union(y.union(z)));

                // x = (x n y) + (x \ y) as sets; difference and intersection are disjoint.
                assertThat(Group.compare(x.intersection(y).union(x.difference(y)), x))
                        .isNotEqualTo(Comparison.UNEQUAL);
                assertThat(x.intersection(y).intersection(x.difference(y))).isEqualTo(Group.EMPTY);

                // De Morgan style: x \ (y u z) = (x \ y) n (x \ z), exactly (both in x's order).
                assertThat(x.difference(y.union(z))).isEqualTo(x.difference(y).intersection(x.difference(z)));
                // x n (y u z) = (x n y) u (x n z) as sets.
                assertThat(Group.compare(x.intersection(y.union(z)), x.intersection(y).union(x.intersection(z))))
                        .isNotEqualTo(Comparison.UNEQUAL);

                // Results keep the order of the original: intersection and difference are subsequences of x.
                assertThat(isSubsequence(x.intersection(y).toArray(), x.toArray())).isTrue();
                assertThat(isSubsequence(x.difference(y).toArray(), x.toArray())).isTrue();

                // Members agree with a reference set computation.
                Set<Integer> sx = set(x);
                Set<Integer> sy = set(y);
                Set<Integer> expectInter = new TreeSet<>(sx);
                expectInter.retainAll(sy);
                assertThat(set(x.intersection(y))).isEqualTo(expectInter);
                Set<Integer> expectDiff = new TreeSet<>(sx);
                expectDiff.removeAll(sy);
                assertThat(set(x.difference(y))).isEqualTo(expectDiff);
            }
        }

        @Test
        void inclAndExclPartitionTheGroup() {
            Group g = Group.of(9, 2, 6, 4, 0, 8);
            int[] ranks = {4, 1, 3};
            Group in = g.incl(ranks);
            Group out = g.excl(ranks);
            assertThat(in.intersection(out)).isEqualTo(Group.EMPTY);
            assertThat(Group.compare(in.union(out), g)).isEqualTo(Comparison.SIMILAR);
            assertThat(out.toArray()).containsExactly(9, 6, 8);
            assertThat(g.difference(in)).isEqualTo(out);
        }
    }

    @Nested
    class Translate {
        @Test
        void translatesAndMarksAbsentRanks() {
            Group a = Group.of(0, 1, 2, 3, 4);
            Group b = Group.of(4, 2, 0);
            assertThat(Group.translateRanks(a, new int[] {0, 1, 2, 3, 4}, b))
                    .containsExactly(2, Comm.UNDEFINED, 1, Comm.UNDEFINED, 0);
            assertThat(Group.translateRanks(b, new int[] {2, 0, 1}, a)).containsExactly(0, 4, 2);
        }

        @Test
        void procNullStaysProcNull() {
            Group a = Group.of(5, 6);
            assertThat(Group.translateRanks(a, new int[] {Comm.PROC_NULL, 1}, Group.of(6)))
                    .containsExactly(Comm.PROC_NULL, 0);
            assertThat(Group.translateRanks(Group.EMPTY, new int[] {Comm.PROC_NULL}, a))
                    .containsExactly(Comm.PROC_NULL);
        }

        @Test
        void intoEmptyGroupEverythingIsUndefined() {
            assertThat(Group.translateRanks(Group.range(3), new int[] {2, 0}, Group.EMPTY))
                    .containsExactly(Comm.UNDEFINED, Comm.UNDEFINED);
            assertThat(Group.translateRanks(Group.range(3), new int[0], Group.EMPTY)).isEmpty();
        }

        @Test
        void roundTripForMembersOfBoth() {
            Group a = Group.of(3, 9, 1, 7, 5);
            Group b = Group.of(7, 1, 3, 9, 5);
            int[] ranks = {0, 1, 2, 3, 4};
            int[] inB = Group.translateRanks(a, ranks, b);
            assertThat(Group.translateRanks(b, inB, a)).containsExactly(ranks);
        }

        @Test
        void doesNotModifyTheInput() {
            int[] ranks = {1, 0};
            Group.translateRanks(Group.of(4, 5), ranks, Group.of(5));
            assertThat(ranks).containsExactly(1, 0);
        }

        @Test
        void rejectsBadArguments() {
            Group a = Group.of(5, 6);
            assertError(() -> Group.translateRanks(a, new int[] {0, 2}, a), ErrorClass.RANK,
                    "Group.translateRanks", "ranks[1] = 2", "group a", "0..1");
            assertError(() -> Group.translateRanks(a, new int[] {Comm.UNDEFINED}, a), ErrorClass.RANK,
                    "ranks[0] = " + Comm.UNDEFINED);
            assertError(() -> Group.translateRanks(a, new int[] {Comm.ANY_SOURCE}, a), ErrorClass.RANK,
                    "ranks[0] = -1");
            assertError(() -> Group.translateRanks(null, new int[0], a), ErrorClass.GROUP, "group a is null");
            assertError(() -> Group.translateRanks(a, new int[0], null), ErrorClass.GROUP, "group b is null");
            assertError(() -> Group.translateRanks(a, null, a), ErrorClass.ARG, "ranks is null");
        }
    }

    @Nested
    class CompareAndEquality {
        @Test
        void compareKinds() {
            assertThat(Group.compare(Group.of(1, 2, 3), Group.of(1, 2, 3))).isEqualTo(Comparison.IDENT);
            assertThat(Group.compare(Group.of(1, 2, 3), Group.of(3, 1, 2))).isEqualTo(Comparison.SIMILAR);
            assertThat(Group.compare(Group.of(1, 2, 3), Group.of(1, 2))).isEqualTo(Comparison.UNEQUAL);
            assertThat(Group.compare(Group.of(1, 2, 3), Group.of(1, 2, 4))).isEqualTo(Comparison.UNEQUAL);
            assertThat(Group.compare(Group.EMPTY, Group.of())).isEqualTo(Comparison.IDENT);
            assertThat(Group.compare(Group.EMPTY, Group.of(0))).isEqualTo(Comparison.UNEQUAL);
        }

        @Test
        void compareRejectsNull() {
            assertError(() -> Group.compare(null, Group.EMPTY), ErrorClass.GROUP, "Group.compare", "group a is null");
            assertError(() -> Group.compare(Group.EMPTY, null), ErrorClass.GROUP, "group b is null");
        }

        @Test
        void equalsAndHashCodeFollowIdent() {
            assertThat(Group.of(2, 0, 1)).isEqualTo(Group.range(3).incl(2, 0, 1))
                    .hasSameHashCodeAs(Group.range(3).incl(2, 0, 1));
            assertThat(Group.of(2, 0, 1)).isNotEqualTo(Group.range(3));
            assertThat(Group.of(0)).isNotEqualTo("Group[0]");
        }

        @Test
        void toStringListsWorldRanksAndShortensLongGroups() {
            assertThat(Group.of(3, 0, 2)).hasToString("Group[3, 0, 2]");
            assertThat(Group.EMPTY).hasToString("Group[]");
            assertThat(Group.range(100).toString()).startsWith("Group[0, 1, 2").endsWith("31, ... (100 members)]");
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static Group randomGroup(Random rnd) {
        List<Integer> pool = new ArrayList<>();
        for (int i = 0; i < 12; i++) pool.add(i);
        java.util.Collections.shuffle(pool, rnd);
        int n = rnd.nextInt(9);
        return Group.of(pool.subList(0, n).stream().mapToInt(Integer::intValue).toArray());
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        Arrays.setAll(r, i -> from + i);
        return r;
    }

    private static Set<Integer> set(Group g) {
        Set<Integer> s = new TreeSet<>();
        for (int w : g.toArray()) s.add(w);
        return s;
    }

    private static boolean isSubsequence(int[] sub, int[] of) {
        int j = 0;
        for (int v : of) {
            if (j < sub.length && sub[j] == v) j++;
        }
        return j == sub.length;
    }
}
