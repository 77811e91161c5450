package dev.cohort;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Cartesian process grid: the number of ranks along each dimension and whether each dimension is
 * periodic (wraps around). Pure arithmetic, no communication: a communicator with a Cartesian topology
 * uses it to map ranks to coordinates and back, to find shift partners and to split into sub-grids.
 *
 * <p>Ranks are numbered in row-major order as in MPI: the last dimension varies fastest, so in a 2x3
 * grid rank 1 has coordinates (0, 1) and rank 3 has (1, 0). A grid with zero dimensions is allowed
 * (it has one rank with empty coordinates); it is what {@link #sub} returns when no dimension remains.
 *
 * <p>Instances are immutable; arrays passed in are copied and arrays returned are new.
 *
 * <p><b>Errors.</b> Invalid arguments throw {@link CohortException} with rank -1 and the class
 * {@link ErrorClass#TOPOLOGY} for dimensions that are not positive or cannot be met, a dimension index
 * out of range, or an array whose length does not match the number of dimensions;
 * {@link ErrorClass#RANK} for a rank outside the grid or a coordinate outside a non-periodic dimension;
 * and {@link ErrorClass#ARG} for a null array. The message names the operation and the argument.
 */
public final class CartTopology {
    /** The source and destination of a shift ({@code MPI_Cart_shift}); either may be {@link Comm#PROC_NULL}. */
    public record Shift(int source, int dest) {
    }

    /**
     * What a communicator needs to split into a sub-grid ({@code MPI_Cart_sub}): ranks with the same
     * {@code color} (the same coordinates along the dropped dimensions) form one sub-grid, {@code key} is
     * the rank within it, and {@code topology} is its shape (the remaining dimensions, in order).
     */
    public record SubGrid(int color, int key, CartTopology topology) {
    }

    private final int[] dims;
    private final boolean[] periods;
    private final int size;

    private CartTopology(int[] dims, boolean[] periods, int size) {
        this.dims = dims;
        this.periods = periods;
        this.size = size;
    }

    /**
     * A grid with the given extent and periodicity per dimension ({@code MPI_Cart_create} without the
     * communicator). Zero dimensions are allowed.
     *
     * @throws CohortException (ARG) if an array is null; (TOPOLOGY) if the lengths differ, an extent is not
     *     positive, or the number of ranks exceeds {@code Integer.MAX_VALUE}
     */
    public static CartTopology of(int[] dims, boolean[] periods) {
        requireArray(dims, "CartTopology.of", "dims");
        requireArray(periods, "CartTopology.of", "periods");
        if (dims.length != periods.length) {
            throw topologyError("CartTopology.of: dims has " + dims.length + " entries but periods has "
                    + periods.length + "; give one period per dimension");
        }
        long size = 1;
        for (int d = 0; d < dims.length; d++) {
            if (dims[d] <= 0) {
                throw topologyError("CartTopology.of: dims[" + d + "] = " + dims[d] + " is not positive");
            }
            size *= dims[d];
            if (size > Integer.MAX_VALUE) {
                throw topologyError("CartTopology.of: dims " + Arrays.toString(dims)
                        + " make more than Integer.MAX_VALUE ranks");
            }
        }
        return new CartTopology(dims.clone(), periods.clone(), (int) size);
    }

    /** The number of dimensions. */
    public int ndims() {
        return dims.length;
    }

    /** The number of ranks along each dimension (a new array). */
    public int[] dims() {
        return dims.clone();
    }

    /** Whether each dimension is periodic (a new array). */
    public boolean[] periods() {
        return periods.clone();
    }

    /** The number of ranks in the grid: the product of the dimensions (1 for zero dimensions). */
    public int size() {
        return size;
    }

    /**
     * The coordinates of a rank ({@code MPI_Cart_coords}); the last dimension varies fastest.
     *
     * @throws CohortException (RANK) if {@code rank} is not in 0..size()-1
     */
    public int[] coords(int rank) {
        checkRank("CartTopology.coords", rank);
        int[] c = new int[dims.length];
        int rest = rank;
        for (int d = dims.length - 1; d >= 0; d--) {
            c[d] = rest % dims[d];
            rest /= dims[d];
        }
        return c;
    }

    /**
     * The rank at the given coordinates ({@code MPI_Cart_rank}). Along a periodic dimension any
     * coordinate is accepted and wraps around (-1 is the last position, dims[d] the first).
     *
     * @throws CohortException (ARG) if {@code coords} is null; (TOPOLOGY) if it does not have one entry per
     *     dimension; (RANK) if a coordinate is outside 0..dims[d]-1 along a non-periodic dimension
     */
    public int rank(int... coords) {
        requireArray(coords, "CartTopology.rank", "coords");
        checkLength("CartTopology.rank", "coords", coords.length);
        int r = 0;
        for (int d = 0; d < dims.length; d++) {
            int c = coords[d];
            if (c < 0 || c >= dims[d]) {
                if (!periods[d]) {
                    throw new CohortException(ErrorClass.RANK, -1, "CartTopology.rank: coords[" + d + "] = " + c
                            + " is outside 0.." + (dims[d] - 1) + " of non-periodic dimension " + d + " in "
                            + this);
                }
                c = Math.floorMod(c, dims[d]);
            }
            r = r * dims[d] + c;
        }
        return r;
    }

    /**
     * The partners of {@code rank} for a shift by {@code disp} along dimension {@code direction}
     * ({@code MPI_Cart_shift}): {@code dest} is the rank whose coordinate along that dimension is
     * larger by {@code disp}, {@code source} the rank whose coordinate is smaller by {@code disp}. Past
     * the edge of a non-periodic dimension the partner is {@link Comm#PROC_NULL}; a periodic dimension
     * wraps around. A negative {@code disp} shifts the other way; 0 gives the rank itself twice.
     *
     * @throws CohortException (RANK) if {@code rank} is outside the grid; (TOPOLOGY) if {@code direction}
     *     is not in 0..ndims()-1
     */
    public Shift shift(int rank, int direction, int disp) {
        checkRank("CartTopology.shift", rank);
        if (direction < 0 || direction >= dims.length) {
            throw topologyError("CartTopology.shift: direction = " + direction + " is not a dimension of " + this
                    + (dims.length == 0 ? " (it has no dimensions)" : " (0.." + (dims.length - 1) + ")"));
        }
        int[] c = coords(rank);
        return new Shift(moved(c, direction, -(long) disp), moved(c, direction, disp));
    }

    /** The rank at {@code c} with {@code c[direction]} moved by {@code by}, or PROC_NULL past an edge. */
    private int moved(int[] c, int direction, long by) {
        int n = dims[direction];
        long target = c[direction] + by;
        if (target < 0 || target >= n) {
            if (!periods[direction]) return Comm.PROC_NULL;
            target = Math.floorMod(target, (long) n);
        }
        int[] t = c.clone();
        t[direction] = (int) target;
        return rank(t);
    }

    /**
     * How {@code rank} takes part in splitting the grid into sub-grids that keep the dimensions with
     * {@code remainDims[d]} true ({@code MPI_Cart_sub}). Ranks that share their coordinates along the
     * dropped dimensions get the same color (0..product of dropped dims - 1, row-major over the dropped
     * coordinates); the key is the rank's position in its sub-grid, row-major over the kept coordinates.
     * Keeping every dimension gives color 0 and key = rank; keeping none gives color = rank, key 0 and a
     * zero-dimensional topology.
     *
     * @throws CohortException (RANK) if {@code rank} is outside the grid; (ARG) if {@code remainDims} is
     *     null; (TOPOLOGY) if it does not have one entry per dimension
     */
    public SubGrid sub(int rank, boolean[] remainDims) {
        checkRank("CartTopology.sub", rank);
        requireArray(remainDims, "CartTopology.sub", "remainDims");
        checkLength("CartTopology.sub", "remainDims", remainDims.length);
        int[] c = coords(rank);
        int kept = 0;
        for (boolean keep : remainDims) {
            if (keep) kept++;
        }
        int[] subDims = new int[kept];
        boolean[] subPeriods = new boolean[kept];
        int color = 0;
        int key = 0;
        int k = 0;
        for (int d = 0; d < dims.length; d++) {
            if (remainDims[d]) {
                subDims[k] = dims[d];
                subPeriods[k] = periods[d];
                k++;
                key = key * dims[d] + c[d];
            } else {
                color = color * dims[d] + c[d];
            }
        }
        // The sub-grid has at most size() ranks, so its product cannot overflow.
        int subSize = 1;
        for (int n : subDims) subSize *= n;
        return new SubGrid(color, key, new CartTopology(subDims, subPeriods, subSize));
    }

    /**
     * Chooses the extents of a grid of {@code nnodes} ranks ({@code MPI_Dims_create}). Entries of
     * {@code dims} that are positive are kept; entries that are 0 are free and are filled so that the
     * free extents are as balanced as possible: the largest is as small as it can be, then the second
     * largest, and so on. They are assigned in non-increasing order to the free positions from left to
     * right. For example {@code dimsCreate(12, {0, 0, 0})} is {3, 2, 2}, {@code dimsCreate(6, {0, 3, 0})}
     * is {2, 3, 1} and {@code dimsCreate(7, {0, 0})} is {7, 1}. Returns a new array; {@code dims} is not
     * changed. An empty {@code dims} is accepted when {@code nnodes} is 1.
     *
     * @throws CohortException (ARG) if {@code dims} is null; (TOPOLOGY) if {@code nnodes} is less than 1
     *     (a grid has at least one rank), an entry of {@code dims} is negative, or {@code nnodes} is not a
     *     multiple of the product of the positive entries (or, with no free entry, not equal to it)
     */
    public static int[] dimsCreate(int nnodes, int[] dims) {
        requireArray(dims, "CartTopology.dimsCreate", "dims");
        if (nnodes < 1) {
            throw topologyError("CartTopology.dimsCreate: nnodes = " + nnodes + " is less than 1; a grid has at"
                    + " least one rank");
        }
        long fixed = 1;
        int free = 0;
        for (int d = 0; d < dims.length; d++) {
            if (dims[d] < 0) {
                throw topologyError("CartTopology.dimsCreate: dims[" + d + "] = " + dims[d]
                        + " is negative; use 0 for a free dimension or a positive extent to fix it");
            }
            if (dims[d] == 0) {
                free++;
            } else {
                // Once the product passes nnodes it cannot divide it; keep it bounded to avoid overflow.
                fixed = Math.min(fixed * dims[d], (long) nnodes + 1);
            }
        }
        if (free == 0) {
            if (fixed != nnodes) {
                throw topologyError("CartTopology.dimsCreate: dims " + Arrays.toString(dims)
                        + " are all fixed and make " + productText(dims) + " ranks, not nnodes = " + nnodes);
            }
            return dims.clone();
        }
        if (nnodes % fixed != 0) {
            throw topologyError("CartTopology.dimsCreate: nnodes = " + nnodes
                    + " is not a multiple of the product of the fixed dims " + productText(dims) + " (dims = "
                    + Arrays.toString(dims) + ")");
        }
        int[] factors = balancedFactors((int) (nnodes / fixed), free);
        int[] out = dims.clone();
        int f = 0;
        for (int d = 0; d < out.length; d++) {
            if (out[d] == 0) out[d] = factors[f++];
        }
        return out;
    }

    /** Equal when the other topology has the same dims and periods. */
    @Override
    public boolean equals(Object o) {
        return this == o
                || (o instanceof CartTopology t && Arrays.equals(dims, t.dims) && Arrays.equals(periods, t.periods));
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + Arrays.hashCode(periods);
    }

    /** The extents with a {@code p} after each periodic one, for example {@code CartTopology[2p x 3]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CartTopology[");
        for (int d = 0; d < dims.length; d++) {
            if (d > 0) sb.append(" x ");
            sb.append(dims[d]);
            if (periods[d]) sb.append('p');
        }
        return sb.append(']').toString();
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * {@code k} factors of {@code q}, non-increasing, whose sorted sequence is lexicographically smallest
     * (the largest factor as small as possible, then the next, ...).
     */
    private static int[] balancedFactors(int q, int k) {
        int[] out = new int[k];
        Arrays.fill(out, 1);
        if (q == 1) return out;
        List<Integer> primes = new ArrayList<>();
        int primeCount = 0; // with multiplicity
        int rest = q;
        for (int p = 2; (long) p * p <= rest; p++) {
            if (rest % p == 0) {
                primes.add(p);
                while (rest % p == 0) {
                    rest /= p;
                    primeCount++;
                }
            }
        }
        if (rest > 1) {
            primes.add(rest);
            primeCount++;
        }
        // At most primeCount factors can exceed 1, so the best tuple for more slots is this one padded with 1s.
        int slots = Math.min(k, primeCount);
        int[] divisors = divisors(q, primes);
        int[] best = new FactorSearch(divisors, primes).best(q, slots, q);
        System.arraycopy(best, 0, out, 0, slots); // a solution always exists: q, then 1s
        return out;
    }

    /** All divisors of q in ascending order, from its distinct primes. */
    private static int[] divisors(int q, List<Integer> primes) {
        List<Integer> ds = new ArrayList<>();
        ds.add(1);
        for (int p : primes) {
            int n = ds.size();
            long pk = p;
            while (q % pk == 0) {
                for (int i = 0; i < n; i++) ds.add((int) (ds.get(i) * pk));
                pk *= p;
            }
        }
        return ds.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** Depth-first search for the lexicographically smallest non-increasing factorisation, with memo. */
    private static final class FactorSearch {
        private static final int[] NONE = new int[0];
        private final int[] divisors;
        private final List<Integer> primes;
        private final Map<List<Integer>, int[]> memo = new HashMap<>();

        FactorSearch(int[] divisors, List<Integer> primes) {
            this.divisors = divisors;
            this.primes = primes;
        }

        /** The best k factors of r (a divisor of q), each at most cap, or null if there are none. */
        int[] best(int r, int k, int cap) {
            if (r == 1) {
                int[] ones = new int[k];
                Arrays.fill(ones, 1);
                return ones;
            }
            if (k == 0) return null;
            if (k == 1) return r <= cap ? new int[] {r} : null;
            List<Integer> key = List.of(r, k, cap);
            int[] known = memo.get(key);
            if (known != null) return known == NONE ? null : known;
            int[] found = search(r, k, cap);
            memo.put(key, found == null ? NONE : found);
            return found;
        }

        private int[] search(int r, int k, int cap) {
            // Every factor must be divisible only by primes <= cap.
            for (int p : primes) {
                if (p > cap && r % p == 0) return null;
            }
            // The first (largest) factor f must satisfy f^k >= r; try candidates from the smallest up.
            for (int f : divisors) {
                if (f > cap || f > r) break;
                if (r % f != 0 || !powerAtLeast(f, k, r)) continue;
                int[] tail = best(r / f, k - 1, f);
                if (tail != null) {
                    int[] t = new int[k];
                    t[0] = f;
                    System.arraycopy(tail, 0, t, 1, k - 1);
                    return t;
                }
            }
            return null;
        }

        private static boolean powerAtLeast(int f, int k, int r) {
            long v = 1;
            for (int i = 0; i < k; i++) {
                v *= f;
                if (v >= r) return true;
            }
            return false;
        }
    }

    /** The positive entries of dims joined by '*' with their product, for messages: "3*4 = 12". */
    private static String productText(int[] dims) {
        long p = 1;
        int factors = 0;
        StringBuilder sb = new StringBuilder();
        for (int d : dims) {
            if (d > 0) {
                if (factors++ > 0) sb.append('*');
                sb.append(d);
                p = Math.min(p * d, 1L << 40); // stays exact below 2^31 and cannot overflow
            }
        }
        if (factors == 0) return "1";
        if (factors == 1) return sb.toString();
        return sb + " = " + (p > Integer.MAX_VALUE ? "more than Integer.MAX_VALUE" : Long.toString(p));
    }

    private void checkRank(String op, int rank) {
        if (rank < 0 || rank >= size) {
            throw new CohortException(ErrorClass.RANK, -1, op + ": rank = " + rank + " is outside 0.." + (size - 1)
                    + " of " + this);
        }
    }

    private void checkLength(String op, String arg, int length) {
        if (length != dims.length) {
            throw topologyError(op + ": " + arg + " has " + length + " entries but " + this + " has "
                    + dims.length + " dimensions");
        }
    }

    private static void requireArray(Object array, String op, String arg) {
        if (array == null) throw new CohortException(ErrorClass.ARG, -1, op + ": " + arg + " is null");
    }

    private static CohortException topologyError(String message) {
        return new CohortException(ErrorClass.TOPOLOGY, -1, message);
    }
}
