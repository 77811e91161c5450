package dev.cohort.transport.ffm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;

/**
 * The handle ABI of one MPI library family, read from its mpi.h: how big a handle is, what the
 * predefined handles and constants are, and where MPI_Status keeps its fields. Open MPI's handles
 * are pointers to global objects (found by symbol name); MPICH's are int constants. Everything else
 * in this package works with handles as {@code long}.
 */
abstract class Abi {
    /** Which family. */
    abstract String family();

    /**
     * The thread level Cohort asks of MPI_Init_thread. It calls MPI from one thread at a time, under
     * its lock, so MPI_THREAD_SERIALIZED describes it; a library that pays for a level it does not
     * need is asked for less (see {@link OpenMpi#threadLevel()}).
     */
    int threadLevel() {
        return 2;   // MPI_THREAD_SERIALIZED, the same value in both families' mpi.h
    }

    /**
     * Whether the library's blocking calls keep busy-polling when a node runs more ranks than it has
     * cores. MPICH does (its ranks then take turns only as the scheduler's time slices allow: 66,000
     * barriers of 4 ranks on 2 cores did not finish in 4 minutes); Open MPI yields by itself when
     * mpirun reports oversubscription.
     */
    boolean spinsWhenOversubscribed() {
        return true;
    }

    /** Bytes of one handle (MPI_Comm, MPI_Request, MPI_Message ...). */
    abstract int handleSize();

    /** Bytes of MPI_Status. */
    abstract int statusSize();

    abstract int statusSourceOffset();

    abstract int statusTagOffset();

    /** The received byte count from a status (each library keeps it in its own private fields). */
    abstract long statusBytes(MemorySegment status);

    abstract int anySource();

    abstract int anyTag();

    /** Keyval of MPI_TAG_UB. */
    abstract int tagUbKeyval();

    abstract long inPlace();

    abstract long commWorld();

    abstract long errorsReturn();

    abstract long messageNoProc();

    abstract long requestNull();

    abstract long byteType();

    /** Predefined datatype by C name without "MPI_": INT8_T, UINT8_T, INT16_T, UINT16_T, INT32_T, INT64_T, FLOAT, DOUBLE, C_BOOL. */
    abstract long datatype(String name);

    /** Predefined operation by name without "MPI_": SUM, PROD, MIN, MAX, LAND, LOR, LXOR, BAND, BOR, BXOR. */
    abstract long op(String name);

    /** Reads a handle stored in memory (an output argument). */
    final long readHandle(MemorySegment at) {
        return handleSize() == 8 ? at.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0)
                : at.get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
    }

    /** Writes a handle to memory (an in-out argument such as MPI_Message or MPI_Request). */
    final void writeHandle(MemorySegment at, long h) {
        if (handleSize() == 8) at.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, h);
        else at.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, (int) h);
    }

    /** Open MPI 4.x and 5.x: handles are addresses of ompi_mpi_* objects; MPI_Status is 24 bytes. */
    static final class OpenMpi extends Abi {
        private final SymbolLookup lib;

        OpenMpi(SymbolLookup lib) {
            this.lib = lib;
        }

        private long sym(String name) {
            return lib.find(name).orElseThrow(() -> new IllegalStateException("Open MPI symbol " + name + " not found"))
                    .address();
        }

        @Override
        String family() {
            return "openmpi";
        }

        /**
         * MPI_THREAD_SINGLE. Open MPI 4.1 turns its internal locking on for any level above SINGLE
         * (FUNNELED and SERIALIZED too): with SERIALIZED, pthread mutex calls in its matching and
         * progress took 17% of a polling receive's time under perf and the 8-byte ping-pong was
         * 0.74-0.87 us against 0.64-0.71 with SINGLE (the same runs interleaved; C: 0.45). Cohort
         * never calls MPI from two threads at once, and its lock orders them, so Open MPI has nothing
         * to lock; -Dcohort.ffm.threadLevel asks for another level.
         */
        @Override
        int threadLevel() {
            return 0;
        }

        @Override
        boolean spinsWhenOversubscribed() {
            return false;
        }

        @Override
        int handleSize() {
            return 8;
        }

        @Override
        int statusSize() {
            return 24;
        }

        @Override
        int statusSourceOffset() {
            return 0;
        }

        @Override
        int statusTagOffset() {
            return 4;
        }

        @Override
        long statusBytes(MemorySegment status) {
            return status.get(java.lang.foreign.ValueLayout.JAVA_LONG, 16); // size_t _ucount
        }

        @Override
        int anySource() {
            return -1;
        }

        @Override
        int anyTag() {
            return -1;
        }

        @Override
        int tagUbKeyval() {
            return 0;
        }

        @Override
        long inPlace() {
            return 1;
        }

        @Override
        long commWorld() {
            return sym("ompi_mpi_comm_world");
        }

        @Override
        long errorsReturn() {
            return sym("ompi_mpi_errors_return");
        }

        @Override
        long messageNoProc() {
            return sym("ompi_message_no_proc");
        }

        @Override
        long requestNull() {
            return sym("ompi_request_null");
        }

        @Override
        long byteType() {
            return sym("ompi_mpi_byte");
        }

        @Override
        long datatype(String name) {
            return sym("ompi_mpi_" + name.toLowerCase(java.util.Locale.ROOT));
        }

        @Override
        long op(String name) {
            return sym("ompi_mpi_op_" + name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** MPICH 3.x/4.x (and its ABI-compatible derivatives): int handles; MPI_Status is 20 bytes. */
    static final class Mpich extends Abi {
        @Override
        String family() {
            return "mpich";
        }

        @Override
        int handleSize() {
            return 4;
        }

        @Override
        int statusSize() {
            return 20;
        }

        @Override
        int statusSourceOffset() {
            return 8;
        }

        @Override
        int statusTagOffset() {
            return 12;
        }

        @Override
        long statusBytes(MemorySegment status) {
            long lo = status.get(java.lang.foreign.ValueLayout.JAVA_INT, 0) & 0xffffffffL;
            long hi = (status.get(java.lang.foreign.ValueLayout.JAVA_INT, 4) & 0xffffffffL) >>> 1;
            return (hi << 32) | lo;
        }

        @Override
        int anySource() {
            return -2;
        }

        @Override
        int anyTag() {
            return -1;
        }

        @Override
        int tagUbKeyval() {
            return 0x64400001;
        }

        @Override
        long inPlace() {
            return -1L;
        }

        @Override
        long commWorld() {
            return 0x44000000;
        }

        @Override
        long errorsReturn() {
            return 0x54000001;
        }

        @Override
        long messageNoProc() {
            return 0x6c000000;
        }

        @Override
        long requestNull() {
            return 0x2c000000;
        }

        @Override
        long byteType() {
            return 0x4c00010d;
        }

        @Override
        long datatype(String name) {
            switch (name) {
                case "INT8_T": return 0x4c000137;
                case "INT16_T": return 0x4c000238;
                case "INT32_T": return 0x4c000439;
                case "INT64_T": return 0x4c00083a;
                case "UINT8_T": return 0x4c00013b;
                case "UINT16_T": return 0x4c00023c;
                case "FLOAT": return 0x4c00040a;
                case "DOUBLE": return 0x4c00080b;
                case "C_BOOL": return 0x4c00013f;
                default: throw new IllegalArgumentException("no MPICH datatype " + name);
            }
        }

        @Override
        long op(String name) {
            switch (name) {
                case "MAX": return 0x58000001;
                case "MIN": return 0x58000002;
                case "SUM": return 0x58000003;
                case "PROD": return 0x58000004;
                case "LAND": return 0x58000005;
                case "BAND": return 0x58000006;
                case "LOR": return 0x58000007;
                case "BOR": return 0x58000008;
                case "LXOR": return 0x58000009;
                case "BXOR": return 0x5800000a;
                default: throw new IllegalArgumentException("no MPICH op " + name);
            }
        }
    }
}
