package dev.cohort.collectives;

import dev.cohort.CollectiveRequest;
import dev.cohort.ElementType;
import dev.cohort.Op;
import dev.cohort.spi.Channel;

/** Barrier, broadcast and reduce. */
final class Trees {
    private Trees() {
    }

    private static final byte[] EMPTY = new byte[0];

    /** Dissemination barrier: in round k every rank signals rank + 2^k and waits for rank - 2^k. */
    static final class Barrier extends CollectiveRequest {
        private final int tag;
        private int distance = 1;

        Barrier(Channel ch, int tag) {
            super(ch, "barrier");
            this.tag = tag;
        }

        @Override
        protected boolean step() {
            int n = size();
            if (distance >= n) return true;
            int r = rank();
            send(EMPTY, ElementType.BYTE, 0, 0, (r + distance) % n, tag);
            recv(EMPTY, ElementType.BYTE, 0, 0, (r - distance + n) % n, tag);
            distance <<= 1;
            return false;
        }
    }

    /** Binomial tree broadcast: log2(n) rounds, each rank receives once from its parent. */
    static final class BinomialBcast extends CollectiveRequest {
        private final int tag, offset, count, root;
        private final Object buf;
        private final ElementType t;
        private int phase;

        BinomialBcast(Channel ch, int tag, Object buf, ElementType t, int offset, int count, int root) {
            super(ch, "bcast");
            this.tag = tag;
            this.buf = buf;
            this.t = t;
            this.offset = offset;
            this.count = count;
            this.root = root;
        }

        @Override
        protected boolean step() {
            int n = size(), vr = (rank() - root + n) % n;
            if (phase == 0) {
                phase = 1;
                if (vr != 0) {
                    int mask = Integer.lowestOneBit(vr);
                    recv(buf, t, offset, count, (vr - mask + root) % n, tag);
                    return false;
                }
            }
            if (phase == 1) {
                phase = 2;
                int below = vr == 0 ? Integer.highestOneBit(Math.max(n - 1, 1)) << 1 : Integer.lowestOneBit(vr);
                for (int mask = below >> 1; mask > 0; mask >>= 1) {
                    if (vr + mask < n) send(buf, t, offset, count, (vr + mask + root) % n, tag);
                }
                return false;
            }
            return true;
        }
    }

    /**
     * Broadcast of large messages (van de Geijn): the root scatters n blocks, then a ring allgather
     * completes them, so each link carries about twice the message instead of log2(n) times.
     */
    static final class ScatterAllgatherBcast extends CollectiveRequest {
        private final int tag, offset, count, root;
        private final Object buf;
        private final ElementType t;
        private final int[] starts, lens;
        private int phase, ringStep;

        ScatterAllgatherBcast(Channel ch, int tag, Object buf, ElementType t, int offset, int count, int root) {
            super(ch, "bcast");
            this.tag = tag;
            this.buf = buf;
            this.t = t;
            this.offset = offset;
            this.count = count;
            this.root = root;
            int n = size();
            starts = new int[n];
            lens = new int[n];
            for (int i = 0; i < n; i++) {
                starts[i] = (int) ((long) count * i / n);
                lens[i] = (int) ((long) count * (i + 1) / n) - starts[i];
            }
        }

        /** Block index of virtual rank v (blocks are numbered by rank relative to the root). */
        @Override
        protected boolean step() {
            int n = size(), me = rank(), vr = (me - root + n) % n;
            if (phase == 0) {
                phase = 1;
                if (vr == 0) {
                    for (int v = 1; v < n; v++) send(buf, t, offset + starts[v], lens[v], (v + root) % n, tag);
                } else {
                    recv(buf, t, offset + starts[vr], lens[vr], root, tag);
                }
                return false;
            }
            if (ringStep < n - 1) {
                int right = (me + 1) % n, left = (me - 1 + n) % n;
                int sendBlock = (vr - ringStep + n) % n, recvBlock = (vr - ringStep - 1 + n) % n;
                send(buf, t, offset + starts[sendBlock], lens[sendBlock], right, tag);
                recv(buf, t, offset + starts[recvBlock], lens[recvBlock], left, tag);
                ringStep++;
                return false;
            }
            return true;
        }
    }

    /**
     * Binomial tree reduce. For a commutative operation the tree is rooted at the root; otherwise it
     * is rooted at rank 0 so that every rank combines contiguous rank ranges in order (then rank 0
     * sends the result to the root).
     */
    static final class BinomialReduce extends CollectiveRequest {
        private final int tag, count, root, treeRoot, recvOffset;
        private final Object recv;
        private final ElementType t;
        private final Op op;
        private Object acc, tmp;
        private int mask = 1, phase, pendingChild = -1;

        BinomialReduce(Channel ch, int tag, Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t,
                       Op op, int root) {
            super(ch, "reduce");
            this.tag = tag;
            this.recv = recv;
            this.recvOffset = recvOffset;
            this.count = count;
            this.t = t;
            this.op = op;
            this.root = root;
            this.treeRoot = op.isCommutative() ? root : 0;
            // acc holds this rank's partial result in a buffer of its own (offset 0)
            this.acc = Buffers.copyOf(send == null ? recv : send, send == null ? recvOffset : sendOffset, count, t);
        }

        @Override
        protected boolean step() {
            int n = size(), vr = (rank() - treeRoot + n) % n;
            if (pendingChild >= 0) {
                // acc covers lower ranks than the child's range: acc op child
                op.apply(acc, 0, tmp, 0, count, t);
                Object x = acc;
                acc = tmp;
                tmp = x;
                pendingChild = -1;
            }
            if (phase == 0) {
                while (mask < n) {
                    if ((vr & mask) != 0) {
                        phase = 1;
                        send(acc, t, 0, count, ((vr & ~mask) + treeRoot) % n, tag);
                        return false;
                    }
                    int child = vr | mask;
                    mask <<= 1;
                    if (child < n) {
                        if (tmp == null) tmp = t.newArray(count);
                        pendingChild = child;
                        recv(tmp, t, 0, count, (child + treeRoot) % n, tag);
                        return false;
                    }
                }
                phase = 1;
                // vr == 0 here: the tree's root holds the result
                if (treeRoot == root) {
                    Buffers.copy(acc, 0, recv, recvOffset, count);
                    return true;
                }
                send(acc, t, 0, count, root, tag);
                return false;
            }
            if (phase == 1) {
                phase = 2;
                if (!op.isCommutative() && rank() == root && root != 0) {
                    recv(recv, t, recvOffset, count, 0, tag);
                    return false;
                }
            }
            return true;
        }
    }
}
