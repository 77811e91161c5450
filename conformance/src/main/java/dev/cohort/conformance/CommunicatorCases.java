package dev.cohort.conformance;

import dev.cohort.CartTopology;
import dev.cohort.Comm;
import dev.cohort.Comparison;
import dev.cohort.ErrorClass;
import dev.cohort.Group;
import dev.cohort.Op;
import dev.cohort.Request;
import dev.cohort.Status;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Communicators (dup, split, create, compare, free), groups of communicators, and Cartesian grids. */
final class CommunicatorCases {
    private CommunicatorCases() {
    }

    /** A message on a duplicate never matches a receive on the original, and the other way round. */
    static void dupSeparatesMessages(Comm w) {
        Comm d = w.dup();
        assertThat(d.size()).isEqualTo(w.size());
        assertThat(d.rank()).isEqualTo(w.rank());
        assertThat(Comm.compare(w, d)).isEqualTo(Comparison.CONGRUENT);
        assertThat(Comm.compare(w, w)).isEqualTo(Comparison.IDENT);
        int next = (w.rank() + 1) % w.size(), prev = (w.rank() - 1 + w.size()) % w.size();
        int[] onWorld = new int[1], onDup = new int[1];
        Request rw = w.irecv(onWorld, prev, 5);
        Request rd = d.irecv(onDup, prev, 5);
        d.send(new int[]{1000 + w.rank()}, next, 5);
        w.send(new int[]{w.rank()}, next, 5);
        Request.waitAll(rw, rd);
        assertThat(onWorld[0]).isEqualTo(prev);
        assertThat(onDup[0]).isEqualTo(1000 + prev);
        assertThat(d.allreduce(1, Op.SUM)).isEqualTo(w.size());
        d.free();
        assertThat(d.isFreed()).isTrue();
        Expect.error(w, ErrorClass.COMM, "send", () -> d.send(new int[1], 0, 0));
        Expect.error(w, ErrorClass.COMM, "allreduce", () -> d.allreduce(new int[1], new int[1], Op.SUM));
    }

    static void splitByColorAndKey(Comm w) {
        int size = w.size(), r = w.rank();
        // colors 0/1/2 by rank mod 3, keys reverse the order inside each color
        Comm c = w.split(r % 3, size - r);
        int members = 0, below = 0;
        for (int q = 0; q < size; q++) {
            if (q % 3 == r % 3) {
                members++;
                if (q > r) below++;
            }
        }
        assertThat(c.size()).isEqualTo(members);
        assertThat(c.rank()).as("rank in the split (keys reverse the order)").isEqualTo(below);
        int[] worldRanks = c.worldRanks();
        for (int i = 1; i < worldRanks.length; i++) assertThat(worldRanks[i]).isLessThan(worldRanks[i - 1]);
        // collectives on the split see only its members
        int sum = c.allreduce(r, Op.SUM);
        int expect = 0;
        for (int q = 0; q < size; q++) if (q % 3 == r % 3) expect += q;
        assertThat(sum).isEqualTo(expect);
        // equal keys keep the parent's order
        Comm same = w.split(0, 7);
        assertThat(same.rank()).isEqualTo(r);
        assertThat(Comm.compare(w, same)).isEqualTo(Comparison.CONGRUENT);
        Comm reversed = w.split(0, -r);
        assertThat(Comm.compare(w, reversed)).isEqualTo(size > 1 ? Comparison.SIMILAR : Comparison.CONGRUENT);
        // UNDEFINED gives no communicator
        Comm odd = w.split(r % 2 == 1 ? 1 : Comm.UNDEFINED, 0);
        if (r % 2 == 1) {
            assertThat(odd).isNotNull();
            assertThat(odd.size()).isEqualTo(size / 2);
            assertThat(Comm.compare(odd, c)).isIn(Comparison.UNEQUAL, Comparison.SIMILAR, Comparison.CONGRUENT);
        } else {
            assertThat(odd).isNull();
        }
        c.free();
        same.free();
        reversed.free();
        if (odd != null) odd.free();
    }

    static void createFromGroup(Comm w) {
        int size = w.size(), r = w.rank();
        Group all = w.group();
        assertThat(all.size()).isEqualTo(size);
        Group evens = all.incl(evenRanks(size));
        Comm c = w.create(evens);
        if (r % 2 == 0) {
            assertThat(c).isNotNull();
            assertThat(c.rank()).isEqualTo(r / 2);
            assertThat(c.group()).isEqualTo(evens);
            int[] t = Group.translateRanks(c.group(), new int[]{0}, all);
            assertThat(t).containsExactly(0);
            assertThat(c.allreduce(1, Op.SUM)).isEqualTo(evens.size());
            c.free();
        } else {
            assertThat(c).isNull();
        }
        int[] back = Group.translateRanks(all, new int[]{r}, evens);
        assertThat(back[0]).isEqualTo(r % 2 == 0 ? r / 2 : Comm.UNDEFINED);
        assertThat(Group.compare(all, all.excl())).isEqualTo(Comparison.IDENT);
        Expect.error(w, ErrorClass.GROUP, "create", () -> w.create(null));
    }

    private static int[] evenRanks(int size) {
        int[] e = new int[(size + 1) / 2];
        for (int i = 0; i < e.length; i++) e[i] = 2 * i;
        return e;
    }

    /** Every rank of a communicator made by split can still talk to the others point-to-point. */
    static void pointToPointOnSplit(Comm w) {
        Comm c = w.split(w.rank() % 2, w.rank());
        int next = (c.rank() + 1) % c.size(), prev = (c.rank() - 1 + c.size()) % c.size();
        long[] in = new long[1];
        Status s = c.sendrecv(new long[]{c.rank()}, next, 3, in, prev, 3);
        assertThat(in[0]).isEqualTo(prev);
        assertThat(s.source()).as("status source is a rank of the split").isEqualTo(prev);
        c.free();
    }

    static void cartesianGrid(Comm w) {
        int size = w.size(), r = w.rank();
        int[] dims = CartTopology.dimsCreate(size, new int[2]);
        assertThat(dims[0] * dims[1]).isEqualTo(size);
        assertThat(dims[0]).isGreaterThanOrEqualTo(dims[1]);
        Comm grid = w.createCart(dims, new boolean[]{true, false});
        assertThat(grid.cart()).isNotNull();
        int[] coords = grid.coords();
        assertThat(grid.cartRank(coords)).isEqualTo(grid.rank());
        assertThat(coords[0] * dims[1] + coords[1]).as("row-major numbering").isEqualTo(grid.rank());
        // periodic first dimension: the shift wraps; non-periodic second: PROC_NULL at the edges
        CartTopology.Shift down = grid.shift(0, 1);
        assertThat(down.dest()).isEqualTo(grid.cartRank(coords[0] + 1, coords[1]));
        assertThat(down.source()).isEqualTo(grid.cartRank(coords[0] - 1, coords[1]));
        CartTopology.Shift right = grid.shift(1, 1);
        assertThat(right.dest()).isEqualTo(coords[1] == dims[1] - 1 ? Comm.PROC_NULL : grid.rank() + 1);
        assertThat(right.source()).isEqualTo(coords[1] == 0 ? Comm.PROC_NULL : grid.rank() - 1);
        // a halo exchange along both directions (PROC_NULL edges move nothing)
        int[] got = {-1};
        grid.sendrecv(new int[]{grid.rank()}, right.dest(), 9, got, right.source(), 9);
        assertThat(got[0]).isEqualTo(right.source() == Comm.PROC_NULL ? -1 : right.source());
        grid.sendrecv(new int[]{grid.rank()}, down.dest(), 9, got, down.source(), 9);
        assertThat(got[0]).isEqualTo(down.source());
        // rows and columns as sub-grids
        Comm row = grid.sub(new boolean[]{false, true});
        assertThat(row.size()).isEqualTo(dims[1]);
        assertThat(row.rank()).isEqualTo(coords[1]);
        assertThat(row.allreduce(grid.rank(), Op.MIN)).isEqualTo(coords[0] * dims[1]);
        Comm col = grid.sub(new boolean[]{true, false});
        assertThat(col.size()).isEqualTo(dims[0]);
        assertThat(col.rank()).isEqualTo(coords[0]);
        assertThat(col.cart().periods()).containsExactly(true);
        // a grid smaller than the communicator leaves the extra ranks out
        Comm small = w.createCart(new int[]{1}, new boolean[]{false});
        if (r == 0) assertThat(small.size()).isEqualTo(1);
        else assertThat(small).isNull();
        Expect.error(w, ErrorClass.TOPOLOGY, "createCart", () -> w.createCart(new int[]{size + 1}, new boolean[]{false}));
        Expect.error(w, ErrorClass.TOPOLOGY, "coords", () -> w.coords());
        row.free();
        col.free();
        grid.free();
    }

    /** The 2x3 and 3x2 grids of six ranks. */
    static void sixRankGrids(Comm w) {
        for (int[] dims : new int[][]{{2, 3}, {3, 2}}) {
            Comm g = w.createCart(dims, new boolean[]{false, true});
            if (w.rank() >= 6) {
                assertThat(g).isNull();
                continue;
            }
            int[] c = g.coords();
            assertThat(c).containsExactly(g.rank() / dims[1], g.rank() % dims[1]);
            CartTopology.Shift s = g.shift(1, -1);
            assertThat(s.dest()).isEqualTo(g.cartRank(c[0], c[1] - 1));
            int[] all = new int[6 * 2];
            g.allgather(c, all);
            for (int q = 0; q < 6; q++) assertThat(Arrays.copyOfRange(all, 2 * q, 2 * q + 2)).containsExactly(q / dims[1], q % dims[1]);
            g.free();
        }
    }
}
