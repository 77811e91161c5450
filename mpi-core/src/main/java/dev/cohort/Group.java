package dev.cohort;

import java.util.Arrays;

/**
 * An immutable ordered set of world ranks, after {@code MPI_Group}. The position of a member is its
 * <em>group rank</em> (0..{@link #size()}-1); its value is its <em>world rank</em>.
 *
 * <p>Groups are plain values: they hold no resources, need no freeing, and two groups with the same
 * members in the same order are {@link #equals equal}. Operations that take ranks
 * ({@link #incl}, {@link #excl}, {@link #rangeIncl}, {@link #rangeExcl}, {@link #translateRanks})
 * take ranks <em>of the group</em>, not world ranks.
 *
 * <p><b>Errors.</b> Invalid arguments throw {@link CohortException} with rank -1 and the class
 * {@link ErrorClass#RANK} for a rank that is out of range, negative or repeated,
 * {@link ErrorClass#GROUP} for a missing (null) group, and {@link ErrorClass#ARG} for a missing array
 * or a malformed range triple. The message names the operation, the argument and its value.
 */
public final class Group {
    /** The group without members ({@code MPI_GROUP_EMPTY}). */
    public static final Group EMPTY = new Group(new int[0]);

    /** World rank of each group rank. Never exposed. */
    private final int[] members;
    /** The world ranks in ascending order, and the group rank of each, for {@link #rankOf}. */
    private final int[] sortedWorld;
    private final int[] sortedRank;

    /** Takes ownership of {@code members}, which must already be checked (distinct, non-negative). */
    private Group(int[] members) {
        this.members = members;
        int n = members.length;
        long[] pairs = new long[n];
        for (int r = 0; r < n; r++) pairs[r] = ((long) members[r] << 32) | r;
        Arrays.sort(pairs);
        sortedWorld = new int[n];
        sortedRank = new int[n];
        for (int i = 0; i < n; i++) {
            sortedWorld[i] = (int) (pairs[i] >>> 32);
            sortedRank[i] = (int) pairs[i];
        }
    }

    private static Group wrap(int[] members) {
        return members.length == 0 ? EMPTY : new Group(members);
    }

    /**
     * The group of the given world ranks, in that order.
     *
     * @throws CohortException (ARG) if the array is null; (RANK) if a world rank is negative or repeated
     */
    public static Group of(int... worldRanks) {
        requireArray(worldRanks, "Group.of", "worldRanks");
        int[] copy = worldRanks.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] < 0) {
                throw rankError("Group.of: worldRanks[" + i + "] = " + copy[i] + " is negative; world ranks are >= 0");
            }
        }
        Group g = wrap(copy);
        g.checkNoRepeats("Group.of", "worldRanks", worldRanks);
        return g;
    }

    /**
     * The group of world ranks 0..n-1 in ascending order (the world group of an n-rank job).
     *
     * @throws CohortException (ARG) if {@code n} is negative
     */
    public static Group range(int n) {
        if (n < 0) {
            throw new CohortException(ErrorClass.ARG, -1, "Group.range: n = " + n + " is negative");
        }
        int[] m = new int[n];
        for (int i = 0; i < n; i++) m[i] = i;
        return wrap(m);
    }

    /** The number of members. */
    public int size() {
        return members.length;
    }

    /**
     * The world rank of the member with the given group rank.
     *
     * @throws CohortException (RANK) if {@code groupRank} is not in 0..size()-1
     */
    public int worldRank(int groupRank) {
        checkRank("Group.worldRank", "groupRank", groupRank);
        return members[groupRank];
    }

    /** The group rank of the given world rank, or {@link Comm#UNDEFINED} if it is not a member. */
    public int rankOf(int worldRank) {
        int i = Arrays.binarySearch(sortedWorld, worldRank);
        return i >= 0 ? sortedRank[i] : Comm.UNDEFINED;
    }

    /** Whether the given world rank is a member. */
    public boolean contains(int worldRank) {
        return Arrays.binarySearch(sortedWorld, worldRank) >= 0;
    }

    /** The world ranks of the members in group-rank order (a new array each call). */
    public int[] toArray() {
        return members.clone();
    }

    /**
     * The group of the members with the given group ranks, in the order given ({@code MPI_Group_incl}).
     * No ranks gives {@link #EMPTY}.
     *
     * @throws CohortException (ARG) if the array is null; (RANK) if a rank is out of range or repeated
     */
    public Group incl(int... ranks) {
        requireArray(ranks, "Group.incl", "ranks");
        checkRanks("Group.incl", "ranks", ranks);
        int[] m = new int[ranks.length];
        for (int i = 0; i < ranks.length; i++) m[i] = members[ranks[i]];
        return wrap(m);
    }

    /**
     * The group of the members whose group ranks are not given, in this group's order
     * ({@code MPI_Group_excl}). No ranks gives a group equal to this one.
     *
     * @throws CohortException (ARG) if the array is null; (RANK) if a rank is out of range or repeated
     */
    public Group excl(int... ranks) {
        requireArray(ranks, "Group.excl", "ranks");
        checkRanks("Group.excl", "ranks", ranks);
        return exclChecked(ranks);
    }

    /**
     * The group of the members named by range triples {@code {first, last, stride}}, in the order the
     * triples produce them ({@code MPI_Group_range_incl}). A triple stands for first, first+stride, ...,
     * up to and not beyond last; stride may be negative (then first >= last) but not zero. For example
     * {@code {{0, 6, 3}, {7, 5, -1}}} stands for ranks 0, 3, 6, 7, 6, 5 (an error here: 6 repeats).
     *
     * @throws CohortException (ARG) if the array or a triple is null, a triple does not have three
     *     entries, a stride is zero or points away from last; (RANK) if first or last is out of range or a
     *     rank is produced twice
     */
    public Group rangeIncl(int[][] triples) {
        int[] ranks = expandTriples("Group.rangeIncl", triples);
        int[] m = new int[ranks.length];
        for (int i = 0; i < ranks.length; i++) m[i] = members[ranks[i]];
        return wrap(m);
    }

    /**
     * The group of the members not named by the range triples, in this group's order
     * ({@code MPI_Group_range_excl}). Triples are read as in {@link #rangeIncl}.
     *
     * @throws CohortException as {@link #rangeIncl}
     */
    public Group rangeExcl(int[][] triples) {
        return exclChecked(expandTriples("Group.rangeExcl", triples));
    }

    /**
     * All members of this group in its order, followed by the members of {@code other} that are not in
     * this group, in {@code other}'s order ({@code MPI_Group_union}).
     *
     * @throws CohortException (GROUP) if {@code other} is null
     */
    public Group union(Group other) {
        requireGroup(other, "Group.union", "other");
        int[] m = Arrays.copyOf(members, members.length + other.members.length);
        int n = members.length;
        for (int w : other.members) {
            if (!contains(w)) m[n++] = w;
        }
        return wrap(n == m.length ? m : Arrays.copyOf(m, n));
    }

    /**
     * The members of this group that are also in {@code other}, in this group's order
     * ({@code MPI_Group_intersection}).
     *
     * @throws CohortException (GROUP) if {@code other} is null
     */
    public Group intersection(Group other) {
        requireGroup(other, "Group.intersection", "other");
        return filter(other, true);
    }

    /**
     * The members of this group that are not in {@code other}, in this group's order
     * ({@code MPI_Group_difference}).
     *
     * @throws CohortException (GROUP) if {@code other} is null
     */
    public Group difference(Group other) {
        requireGroup(other, "Group.difference", "other");
        return filter(other, false);
    }

    /**
     * The ranks in group {@code b} of the members with the given ranks in group {@code a}
     * ({@code MPI_Group_translate_ranks}): {@link Comm#UNDEFINED} for a member that is not in {@code b},
     * and {@link Comm#PROC_NULL} for {@link Comm#PROC_NULL}. Returns a new array of the same length.
     *
     * @throws CohortException (GROUP) if a group is null; (ARG) if {@code ranks} is null; (RANK) if a rank
     *     is neither PROC_NULL nor in 0..a.size()-1
     */
    public static int[] translateRanks(Group a, int[] ranks, Group b) {
        requireGroup(a, "Group.translateRanks", "a");
        requireGroup(b, "Group.translateRanks", "b");
        requireArray(ranks, "Group.translateRanks", "ranks");
        int[] out = new int[ranks.length];
        for (int i = 0; i < ranks.length; i++) {
            int r = ranks[i];
            if (r == Comm.PROC_NULL) {
                out[i] = Comm.PROC_NULL;
                continue;
            }
            if (r < 0 || r >= a.members.length) {
                throw rankError("Group.translateRanks: ranks[" + i + "] = " + r + " is not a rank of group a "
                        + a.rangeText() + " nor PROC_NULL");
            }
            out[i] = b.rankOf(a.members[r]);
        }
        return out;
    }

    /**
     * Compares two groups ({@code MPI_Group_compare}): {@link Comparison#IDENT} when they have the same
     * members in the same order, {@link Comparison#SIMILAR} when they have the same members in another
     * order, {@link Comparison#UNEQUAL} otherwise. Never {@link Comparison#CONGRUENT}.
     *
     * @throws CohortException (GROUP) if a group is null
     */
    public static Comparison compare(Group a, Group b) {
        requireGroup(a, "Group.compare", "a");
        requireGroup(b, "Group.compare", "b");
        if (Arrays.equals(a.members, b.members)) return Comparison.IDENT;
        return Arrays.equals(a.sortedWorld, b.sortedWorld) ? Comparison.SIMILAR : Comparison.UNEQUAL;
    }

    /** Equal when the other group has the same members in the same order (compare gives IDENT). */
    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Group g && Arrays.equals(members, g.members));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(members);
    }

    /** The world ranks in group order, for example {@code Group[3, 0, 2]}; long groups are cut short. */
    @Override
    public String toString() {
        int shown = Math.min(members.length, 32);
        StringBuilder sb = new StringBuilder("Group[");
        for (int i = 0; i < shown; i++) {
            if (i > 0) sb.append(", ");
            sb.append(members[i]);
        }
        if (shown < members.length) sb.append(", ... (").append(members.length).append(" members)");
        return sb.append(']').toString();
    }

    // ---------------------------------------------------------------------------------------------

    private Group filter(Group other, boolean keepShared) {
        int[] m = new int[members.length];
        int n = 0;
        for (int w : members) {
            if (other.contains(w) == keepShared) m[n++] = w;
        }
        return wrap(n == m.length ? m : Arrays.copyOf(m, n));
    }

    /** {@code ranks} are valid and distinct ranks of this group. */
    private Group exclChecked(int[] ranks) {
        boolean[] drop = new boolean[members.length];
        for (int r : ranks) drop[r] = true;
        int[] m = new int[members.length - ranks.length];
        int n = 0;
        for (int r = 0; r < members.length; r++) {
            if (!drop[r]) m[n++] = members[r];
        }
        return wrap(m);
    }

    /** The group ranks the triples stand for, in order, checked to be valid and distinct. */
    private int[] expandTriples(String op, int[][] triples) {
        requireArray(triples, op, "triples");
        int[] out = new int[Math.min(members.length, 16)];
        int n = 0;
        // Which triple first produced each rank, to name both in a repeat error; -1 when not produced yet.
        int[] producedBy = new int[members.length];
        Arrays.fill(producedBy, -1);
        for (int t = 0; t < triples.length; t++) {
            int[] tr = triples[t];
            String name = "triples[" + t + "]";
            if (tr == null) throw argError(op + ": " + name + " is null");
            if (tr.length != 3) {
                throw argError(op + ": " + name + " = " + Arrays.toString(tr) + " has " + tr.length
                        + " entries; a range triple is {first, last, stride}");
            }
            int first = tr[0], last = tr[1], stride = tr[2];
            String text = name + " = {" + first + ", " + last + ", " + stride + "}";
            if (stride == 0) throw argError(op + ": " + text + " has stride 0; the stride may be negative but not 0");
            checkRank(op, name + " first", first);
            checkRank(op, name + " last", last);
            if ((stride > 0 && first > last) || (stride < 0 && first < last)) {
                throw argError(op + ": " + text + ": stride " + stride + " leads away from last " + last
                        + "; use a " + (stride > 0 ? "negative" : "positive") + " stride to go from "
                        + first + " to " + last);
            }
            // first and last are in range, so |last - first| < size and the loop stays in range.
            long count = ((long) last - first) / stride + 1;
            for (long i = 0; i < count; i++) {
                int r = (int) (first + i * stride);
                if (producedBy[r] >= 0) {
                    throw rankError(op + ": rank " + r + " from " + text + " was already produced by triples["
                            + producedBy[r] + "]; ranks must be distinct");
                }
                producedBy[r] = t;
                if (n == out.length) out = Arrays.copyOf(out, Math.min(members.length, out.length * 2));
                out[n++] = r;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Checks ranks of this group: each in range and none repeated. */
    private void checkRanks(String op, String arg, int[] ranks) {
        boolean[] seen = new boolean[members.length];
        for (int i = 0; i < ranks.length; i++) {
            int r = ranks[i];
            checkRank(op, arg + "[" + i + "]", r);
            if (seen[r]) {
                throw rankError(op + ": " + arg + "[" + i + "] = " + r + " repeats " + arg + "[" + indexOf(ranks, r)
                        + "]; ranks must be distinct");
            }
            seen[r] = true;
        }
    }

    /** After construction from {@code given} (same order as members): reports the first repeated value. */
    private void checkNoRepeats(String op, String arg, int[] given) {
        for (int i = 1; i < sortedWorld.length; i++) {
            if (sortedWorld[i] == sortedWorld[i - 1]) {
                int w = sortedWorld[i];
                int first = indexOf(given, w);
                int second = first + 1;
                while (given[second] != w) second++;
                throw rankError(op + ": " + arg + "[" + second + "] = " + w + " repeats " + arg + "[" + first
                        + "]; world ranks must be distinct");
            }
        }
    }

    private void checkRank(String op, String arg, int r) {
        if (r < 0 || r >= members.length) {
            throw rankError(op + ": " + arg + " = " + r + " is not a rank of this group " + rangeText());
        }
    }

    private String rangeText() {
        return members.length == 0 ? "(the group is empty)" : "(0.." + (members.length - 1) + ")";
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) return i;
        }
        return -1;
    }

    private static void requireArray(Object array, String op, String arg) {
        if (array == null) throw argError(op + ": " + arg + " is null");
    }

    private static void requireGroup(Group g, String op, String arg) {
        if (g == null) throw new CohortException(ErrorClass.GROUP, -1, op + ": group " + arg + " is null");
    }

    private static CohortException rankError(String message) {
        return new CohortException(ErrorClass.RANK, -1, message);
    }

    private static CohortException argError(String message) {
        return new CohortException(ErrorClass.ARG, -1, message);
    }
}
