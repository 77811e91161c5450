"""Reference for `cohort bench compare`: mpi4py (buffer and pickle paths), not through Cohort.

Usage: mpirun -np 2 python3 reference_mpi4py.py [SMALL_ITERS [LARGE_ITERS]]
Rank 0 prints
  mpi4py pingpong bytes=B half_rtt_us=T MBps=M iters=K      Send/Recv of a bytearray, 1 B .. 4 MiB
  mpi4py objlatency small-dict half_rtt_us=T iters=K         send/recv (pickle) of {a:1, b:[1,2,3], c:"hello"}
  mpi4py allreduce doubles=N us=T iters=K                    Allreduce SUM of numpy float64, 1, 1024, 1 Mi
Messages above 8 KiB use LARGE_ITERS; allreduce times each call on every rank with a barrier after
each and prints the mean over ranks.
"""
import sys
import time

import numpy as np
from mpi4py import MPI

MAX = 4 << 20


def out(line):
    print(line, flush=True)


def main():
    small = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    large = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    comm = MPI.COMM_WORLD
    rank = comm.Get_rank()
    buf = bytearray(MAX)
    size = 1
    while size <= MAX:
        iters = large if size > 8192 else small
        warm = max(10, iters // 10)
        view = memoryview(buf)[:size]
        comm.Barrier()
        t0 = 0.0
        for i in range(warm + iters):
            if i == warm:
                t0 = time.perf_counter()
            if rank == 0:
                comm.Send([view, MPI.BYTE], dest=1, tag=1)
                comm.Recv([view, MPI.BYTE], source=1, tag=1)
            elif rank == 1:
                comm.Recv([view, MPI.BYTE], source=0, tag=1)
                comm.Send([view, MPI.BYTE], dest=0, tag=1)
        half = (time.perf_counter() - t0) * 1e6 / iters / 2
        if rank == 0:
            out("mpi4py pingpong bytes=%d half_rtt_us=%.3f MBps=%.1f iters=%d" % (size, half, size / half, iters))
        size *= 2

    obj = {"a": 1, "b": [1, 2, 3], "c": "hello"}
    iters = max(100, small // 2)
    warm = max(10, iters // 5)
    comm.Barrier()
    back = obj
    for i in range(warm + iters):
        if i == warm:
            t0 = time.perf_counter()
        if rank == 0:
            comm.send(back, dest=1, tag=2)
            back = comm.recv(source=1, tag=2)
        elif rank == 1:
            back = comm.recv(source=0, tag=2)
            comm.send(back, dest=0, tag=2)
    half = (time.perf_counter() - t0) * 1e6 / iters / 2
    if rank == 0:
        assert back == obj, back
        out("mpi4py objlatency small-dict half_rtt_us=%.3f iters=%d" % (half, iters))

    a = np.ones(1 << 20)
    b = np.empty(1 << 20)
    for n in (1, 1024, 1 << 20):
        iters = max(5, large // 10) if n > 1024 else max(50, small // 10)
        warm = max(5, iters // 10)
        total = 0.0
        for i in range(warm + iters):
            s = time.perf_counter()
            comm.Allreduce([a[:n], MPI.DOUBLE], [b[:n], MPI.DOUBLE], op=MPI.SUM)
            e = time.perf_counter()
            if i >= warm:
                total += e - s
            comm.Barrier()
        mean = comm.reduce(total * 1e6 / iters, op=MPI.SUM, root=0)
        if rank == 0:
            out("mpi4py allreduce doubles=%d us=%.3f iters=%d" % (n, mean / comm.Get_size(), iters))


if __name__ == "__main__":
    main()
