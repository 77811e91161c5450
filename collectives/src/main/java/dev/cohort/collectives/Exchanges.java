package dev.cohort.collectives;

import dev.cohort.CollectiveRequest;
import dev.cohort.ElementType;
import dev.cohort.spi.Channel;

/** Gather, scatter, allgather and alltoall (each in their v forms). */
final class Exchanges {
    private Exchanges() {
    }

    /** Gather: every rank sends its block to the root, which posts all receives at once. */
    static final class LinearGatherv extends CollectiveRequest {
        private final int tag, sendOffset, sendCount, recvOffset, root;
        private final Object send, recv;
        private final int[] counts, displs;
        private final ElementType t;
        private boolean posted;

        LinearGatherv(Channel ch, int tag, Object send, int sendOffset, int sendCount, Object recv, int recvOffset, int[] counts,
                      int[] displs, ElementType t, int root) {
            super(ch, "gather");
            this.tag = tag;
            this.send = send;
            this.sendOffset = sendOffset;
            this.sendCount = sendCount;
            this.recv = recv;
            this.recvOffset = recvOffset;
            this.counts = counts;
            this.displs = displs;
            this.t = t;
            this.root = root;
        }

        @Override
        protected boolean step() {
            if (posted) return true;
            posted = true;
            int r = rank();
            if (r != root) {
                send(send, t, sendOffset, sendCount, root, tag);
                return false;
            }
            if (send != null) Buffers.copy(send, sendOffset, recv, recvOffset + displs[r], counts[r]);
            for (int i = 0; i < size(); i++) {
                if (i != r) recv(recv, t, recvOffset + displs[i], counts[i], i, tag);
            }
            return false;
        }
    }

    /** Scatter: the root posts all sends at once; every other rank receives its block. */
    static final class LinearScatterv extends CollectiveRequest {
        private final int tag, sendOffset, recvOffset, recvCount, root;
        private final Object send, recv;
        private final int[] counts, displs;
        private final ElementType t;
        private boolean posted;

        LinearScatterv(Channel ch, int tag, Object send, int sendOffset, int[] counts, int[] displs, Object recv, int recvOffset,
                       int recvCount, ElementType t, int root) {
            super(ch, "scatter");
            this.tag = tag;
            this.send = send;
            this.sendOffset = sendOffset;
            this.counts = counts;
            this.displs = displs;
            this.recv = recv;
            this.recvOffset = recvOffset;
            this.recvCount = recvCount;
            this.t = t;
            this.root = root;
        }

        @Override
        protected boolean step() {
            if (posted) return true;
            posted = true;
            int r = rank();
            if (r != root) {
                recv(recv, t, recvOffset, recvCount, root, tag);
                return false;
            }
            if (recv != null) Buffers.copy(send, sendOffset + displs[r], recv, recvOffset, counts[r]);
            for (int i = 0; i < size(); i++) {
                if (i != r) send(send, t, sendOffset + displs[i], counts[i], i, tag);
            }
            return false;
        }
    }

    /** Allgather around a ring: in step s each rank forwards the block it received in step s-1. */
    static final class RingAllgatherv extends CollectiveRequest {
        private final int tag, recvOffset;
        private final Object recv;
        private final int[] counts, displs;
        private final ElementType t;
        private int stepNo;

        RingAllgatherv(Channel ch, int tag, Object send, int sendOffset, int sendCount, Object recv, int recvOffset, int[] counts,
                       int[] displs, ElementType t) {
            super(ch, "allgather");
            this.tag = tag;
            this.recv = recv;
            this.recvOffset = recvOffset;
            this.counts = counts;
            this.displs = displs;
            this.t = t;
            int r = ch.comm().rank();
            if (send != null) Buffers.copy(send, sendOffset, recv, recvOffset + displs[r], sendCount);
        }

        @Override
        protected boolean step() {
            int n = size(), r = rank();
            if (stepNo >= n - 1) return true;
            int sb = Math.floorMod(r - stepNo, n), rb = Math.floorMod(r - stepNo - 1, n);
            send(recv, t, recvOffset + displs[sb], counts[sb], (r + 1) % n, tag);
            recv(recv, t, recvOffset + displs[rb], counts[rb], (r - 1 + n) % n, tag);
            stepNo++;
            return false;
        }
    }

    /** Alltoall by pairwise exchange: in step k each rank sends to rank + k and receives from rank - k. */
    static final class PairwiseAlltoallv extends CollectiveRequest {
        private final int tag, sendOffset, recvOffset;
        private final Object send, recv;
        private final int[] sendCounts, sendDispls, recvCounts, recvDispls;
        private final ElementType t;
        private int k = 1;

        PairwiseAlltoallv(Channel ch, int tag, Object send, int sendOffset, int[] sendCounts, int[] sendDispls, Object recv,
                          int recvOffset, int[] recvCounts, int[] recvDispls, ElementType t) {
            super(ch, "alltoall");
            this.tag = tag;
            this.send = send;
            this.sendOffset = sendOffset;
            this.sendCounts = sendCounts;
            this.sendDispls = sendDispls;
            this.recv = recv;
            this.recvOffset = recvOffset;
            this.recvCounts = recvCounts;
            this.recvDispls = recvDispls;
            this.t = t;
            int r = ch.comm().rank();
            if (sendCounts[r] != recvCounts[r]) {
                throw new dev.cohort.CohortException(dev.cohort.ErrorClass.COUNT, ch.comm().worldRankOf(r), "rank " + r
                        + ": alltoall on " + ch.comm().name() + ": this rank sends itself " + sendCounts[r]
                        + " elements but expects " + recvCounts[r]);
            }
            Buffers.copy(send, sendOffset + sendDispls[r], recv, recvOffset + recvDispls[r], sendCounts[r]);
        }

        @Override
        protected boolean step() {
            int n = size(), r = rank();
            if (k >= n) return true;
            int dst = (r + k) % n, src = Math.floorMod(r - k, n);
            send(send, t, sendOffset + sendDispls[dst], sendCounts[dst], dst, tag);
            recv(recv, t, recvOffset + recvDispls[src], recvCounts[src], src, tag);
            k++;
            return false;
        }
    }
}
