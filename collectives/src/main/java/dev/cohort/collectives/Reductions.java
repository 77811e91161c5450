package dev.cohort.collectives;

import dev.cohort.CollectiveRequest;
import dev.cohort.ElementType;
import dev.cohort.Op;
import dev.cohort.spi.Channel;

/** Allreduce, scan, exscan and reduce-scatter. */
final class Reductions {
    private Reductions() {
    }

    /**
     * Recursive doubling allreduce, order-preserving (valid for non-commutative operations). With n not a
     * power of two, the first 2*(n - p) ranks pair up first (even into odd), and the odd ones hand the
     * result back at the end.
     */
    static final class RecursiveDoublingAllreduce extends CollectiveRequest {
        private final int tag, count, recvOffset;
        private final Object recv;
        private final ElementType t;
        private final Op op;
        private final int pof2, rem;
        private Object acc, tmp;
        private int accOff;
        private int phase, mask = 1, partner = -1;

        RecursiveDoublingAllreduce(Channel ch, int tag, Object send, int sendOffset, Object recv, int recvOffset, int count,
                                   ElementType t, Op op) {
            super(ch, "allreduce");
            this.tag = tag;
            this.recv = recv;
            this.recvOffset = recvOffset;
            this.count = count;
            this.t = t;
            this.op = op;
            int n = size();
            this.pof2 = Integer.highestOneBit(n);
            this.rem = n - pof2;
            if (send != null) Buffers.copy(send, sendOffset, recv, recvOffset, count);
            this.acc = recv;
            this.accOff = recvOffset;
        }

        private int newRank() {
            int r = rank();
            if (r < 2 * rem) return (r & 1) == 0 ? -1 : r / 2;
            return r - rem;
        }

        private static int oldRank(int nr, int rem) {
            return nr < rem ? nr * 2 + 1 : nr + rem;
        }

        @Override
        protected boolean step() {
            int r = rank();
            if (partner >= 0) {
                // combine the partner's block (tmp) with ours in rank order
                if (partner < r) {
                    op.apply(tmp, 0, acc, accOff, count, t);
                } else {
                    op.apply(acc, accOff, tmp, 0, count, t);
                    Object x = acc;
                    acc = tmp;
                    accOff = 0;
                    tmp = x == recv ? null : x;
                }
                partner = -1;
            }
            if (phase == 0) {
                phase = 1;
                if (r < 2 * rem) {
                    if ((r & 1) == 0) {
                        send(acc, t, accOff, count, r + 1, tag);
                        phase = 3; // wait for the result from r + 1
                        return false;
                    }
                    tmp = t.newArray(count);
                    partner = r - 1;
                    recv(tmp, t, 0, count, r - 1, tag);
                    return false;
                }
            }
            if (phase == 1) {
                int nr = newRank();
                if (mask < pof2) {
                    int dst = oldRank(nr ^ mask, rem);
                    mask <<= 1;
                    if (tmp == null) tmp = t.newArray(count);
                    send(acc, t, accOff, count, dst, tag);
                    recv(tmp, t, 0, count, dst, tag);
                    partner = dst;
                    return false;
                }
                phase = 2;
                if (acc != recv || accOff != recvOffset) Buffers.copy(acc, accOff, recv, recvOffset, count);
                acc = recv;
                accOff = recvOffset;
                if (r < 2 * rem) {
                    send(recv, t, recvOffset, count, r - 1, tag);
                    return false;
                }
                return true;
            }
            if (phase == 3) {
                phase = 2;
                recv(recv, t, recvOffset, count, r + 1, tag);
                return false;
            }
            return true;
        }
    }

    /** Splits count elements into n nearly equal blocks. */
    static int[] blocks(int count, int n) {
        int[] b = new int[n + 1];
        for (int i = 0; i <= n; i++) b[i] = (int) ((long) count * i / n);
        return b;
    }

    /**
     * Ring allreduce for large commutative reductions: a reduce-scatter around the ring, then an
     * allgather around it, each n-1 steps of count/n elements.
     */
    static final class RingAllreduce extends CollectiveRequest {
        private final int tag, offset;
        private final Object buf;
        private final ElementType t;
        private final Op op;
        private final int[] at;
        private final Object tmp;
        private int stepNo, reduceBlock = -1;

        RingAllreduce(Channel ch, int tag, Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op) {
            super(ch, "allreduce");
            this.tag = tag;
            this.buf = recv;
            this.offset = recvOffset;
            this.t = t;
            this.op = op;
            if (send != null) Buffers.copy(send, sendOffset, recv, recvOffset, count);
            this.at = blocks(count, size());
            int max = 0;
            for (int i = 0; i < size(); i++) max = Math.max(max, at[i + 1] - at[i]);
            this.tmp = t.newArray(max);
        }

        @Override
        protected boolean step() {
            int n = size(), r = rank();
            if (reduceBlock >= 0) {
                op.apply(tmp, 0, buf, offset + at[reduceBlock], at[reduceBlock + 1] - at[reduceBlock], t);
                reduceBlock = -1;
            }
            int right = (r + 1) % n, left = (r - 1 + n) % n;
            if (stepNo < n - 1) {
                int sb = Math.floorMod(r - stepNo, n), rb = Math.floorMod(r - stepNo - 1, n);
                send(buf, t, offset + at[sb], at[sb + 1] - at[sb], right, tag);
                recv(tmp, t, 0, at[rb + 1] - at[rb], left, tag);
                reduceBlock = rb;
                stepNo++;
                return false;
            }
            if (stepNo < 2 * (n - 1)) {
                int s = stepNo - (n - 1);
                int sb = Math.floorMod(r + 1 - s, n), rb = Math.floorMod(r - s, n);
                send(buf, t, offset + at[sb], at[sb + 1] - at[sb], right, tag);
                recv(buf, t, offset + at[rb], at[rb + 1] - at[rb], left, tag);
                stepNo++;
                return false;
            }
            return true;
        }
    }

    /**
     * Inclusive or exclusive scan by recursive doubling (Hillis-Steele), order-preserving: in round k
     * each rank passes the reduction of its last 2^k ranks to rank + 2^k.
     */
    static final class Scan extends CollectiveRequest {
        private final int tag, count, recvOffset;
        private final Object recv;
        private final ElementType t;
        private final Op op;
        private final boolean exclusive;
        private final Object partial, tmp;
        private boolean have, received;
        private int mask = 1;

        Scan(Channel ch, int tag, Object send, int sendOffset, Object recv, int recvOffset, int count, ElementType t, Op op,
             boolean exclusive) {
            super(ch, exclusive ? "exscan" : "scan");
            this.tag = tag;
            this.recv = recv;
            this.recvOffset = recvOffset;
            this.count = count;
            this.t = t;
            this.op = op;
            this.exclusive = exclusive;
            Object src = send == null ? recv : send;
            int srcOff = send == null ? recvOffset : sendOffset;
            this.partial = Buffers.copyOf(src, srcOff, count, t);
            if (!exclusive && send != null) Buffers.copy(send, sendOffset, recv, recvOffset, count);
            this.tmp = size() > 1 ? t.newArray(count) : null;
        }

        @Override
        protected boolean step() {
            int n = size(), r = rank();
            if (received) {
                if (exclusive && !have) {
                    Buffers.copy(tmp, 0, recv, recvOffset, count);
                } else {
                    op.apply(tmp, 0, recv, recvOffset, count, t);
                }
                have = true;
                op.apply(tmp, 0, partial, 0, count, t);
                received = false;
            }
            if (mask >= n) return true;
            if (r + mask < n) send(partial, t, 0, count, r + mask, tag);
            if (r - mask >= 0) {
                recv(tmp, t, 0, count, r - mask, tag);
                received = true;
            }
            mask <<= 1;
            return false;
        }
    }

    /**
     * Reduce-scatter around a ring for commutative operations: in n-1 steps every rank passes on one
     * partially reduced block; rank r ends with block r complete.
     */
    static final class RingReduceScatter extends CollectiveRequest {
        private final int tag, recvOffset;
        private final Object recv, work, tmp;
        private final ElementType t;
        private final Op op;
        private final int[] counts, displs;
        private int stepNo, reduceBlock = -1;

        RingReduceScatter(Channel ch, int tag, Object send, int sendOffset, Object recv, int recvOffset, int[] counts, ElementType t,
                          Op op) {
            super(ch, "reduceScatter");
            this.tag = tag;
            this.recv = recv;
            this.recvOffset = recvOffset;
            this.t = t;
            this.op = op;
            this.counts = counts;
            this.displs = new int[counts.length];
            int total = 0, max = 0;
            for (int i = 0; i < counts.length; i++) {
                displs[i] = total;
                total += counts[i];
                max = Math.max(max, counts[i]);
            }
            this.work = Buffers.copyOf(send == null ? recv : send, send == null ? recvOffset : sendOffset, total, t);
            this.tmp = t.newArray(max);
        }

        @Override
        protected boolean step() {
            int n = size(), r = rank();
            if (reduceBlock >= 0) {
                op.apply(tmp, 0, work, displs[reduceBlock], counts[reduceBlock], t);
                reduceBlock = -1;
            }
            if (stepNo < n - 1) {
                int sb = Math.floorMod(r - stepNo - 1, n), rb = Math.floorMod(r - stepNo - 2, n);
                send(work, t, displs[sb], counts[sb], (r + 1) % n, tag);
                recv(tmp, t, 0, counts[rb], (r - 1 + n) % n, tag);
                reduceBlock = rb;
                stepNo++;
                return false;
            }
            Buffers.copy(work, displs[r], recv, recvOffset, counts[r]);
            return true;
        }
    }

    /** Reduce-scatter for non-commutative operations: an order-preserving allreduce of everything, then each rank keeps its block. */
    static final class AllreduceScatter extends CollectiveRequest {
        private final RecursiveDoublingAllreduce all;
        private final Object whole, recv;
        private final int recvOffset, myOffset, myCount;
        private boolean started;

        AllreduceScatter(Channel ch, int tag, Object send, int sendOffset, Object recv, int recvOffset, int[] counts, ElementType t,
                         Op op) {
            super(ch, "reduceScatter");
            int total = 0, mine = 0;
            for (int i = 0; i < counts.length; i++) {
                if (i == ch.comm().rank()) mine = total;
                total += counts[i];
            }
            this.whole = Buffers.copyOf(send == null ? recv : send, send == null ? recvOffset : sendOffset, total, t);
            this.recv = recv;
            this.recvOffset = recvOffset;
            this.myOffset = mine;
            this.myCount = counts[ch.comm().rank()];
            this.all = new RecursiveDoublingAllreduce(ch, tag, null, 0, whole, 0, total, t, op);
        }

        @Override
        protected boolean step() {
            if (!started) {
                started = true;
                follow(all.begin());
                return false;
            }
            Buffers.copy(whole, myOffset, recv, recvOffset, myCount);
            return true;
        }
    }
}
