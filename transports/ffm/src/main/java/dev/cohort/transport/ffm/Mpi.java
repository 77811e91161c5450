package dev.cohort.transport.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Downcall handles to the MPI functions this transport uses, bound once per process to the library
 * {@link MpiLibrary#get()} found. Handles are {@code long} on the Java side whatever the library's
 * handle type is (int for MPICH, a pointer for Open MPI): the handles are adapted once here.
 *
 * <p>Functions that take user buffers and return without waiting on a peer beyond the transfer itself
 * (MPI_Send, MPI_Mrecv, the blocking collectives) are bound as critical downcalls with heap access,
 * so Java arrays are passed as they are (no copy). Calls that return at once (MPI_Improbe, MPI_Iprobe,
 * MPI_Test, MPI_Isend, MPI_Irecv) are critical without heap access, which saves the thread-state
 * transition on the polling path. The others are ordinary downcalls on native memory.
 */
final class Mpi {
    static final MpiLibrary LIB = MpiLibrary.get();
    static final Abi ABI = LIB.abi;
    private static final Linker LINKER = Linker.nativeLinker();

    static final MethodHandle INIT_THREAD = bind("MPI_Init_thread", "AAIA", false);
    static final MethodHandle INITIALIZED = bind("MPI_Initialized", "A", false);
    static final MethodHandle FINALIZED = bind("MPI_Finalized", "A", false);
    static final MethodHandle FINALIZE = bind("MPI_Finalize", "", false);
    static final MethodHandle ABORT = bind("MPI_Abort", "HI", false);
    static final MethodHandle COMM_RANK = bind("MPI_Comm_rank", "HA", false);
    static final MethodHandle COMM_SIZE = bind("MPI_Comm_size", "HA", false);
    static final MethodHandle COMM_SET_ERRHANDLER = bind("MPI_Comm_set_errhandler", "HH", false);
    static final MethodHandle ERROR_STRING = bind("MPI_Error_string", "IAA", false);
    static final MethodHandle PROCESSOR_NAME = bind("MPI_Get_processor_name", "AA", false);
    static final MethodHandle COMM_GET_ATTR = bind("MPI_Comm_get_attr", "HIAA", false);
    static final MethodHandle COMM_DUP = bind("MPI_Comm_dup", "HA", false);
    static final MethodHandle COMM_GROUP = bind("MPI_Comm_group", "HA", false);
    static final MethodHandle GROUP_INCL = bind("MPI_Group_incl", "HIAA", false);
    static final MethodHandle GROUP_FREE = bind("MPI_Group_free", "A", false);
    static final MethodHandle COMM_CREATE_GROUP = bind("MPI_Comm_create_group", "HHIA", false);
    static final MethodHandle COMM_FREE = bind("MPI_Comm_free", "A", false);

    // point-to-point
    static final MethodHandle SEND = bind("MPI_Send", "AIHIIH", true);
    // never wait for a peer: critical (no thread-state transition), native memory only
    static final MethodHandle ISEND = bindQuick("MPI_Isend", "AIHIIHA");
    static final MethodHandle ISSEND = bindQuick("MPI_Issend", "AIHIIHA");
    static final MethodHandle TEST = bindQuick("MPI_Test", "AAA");
    static final MethodHandle REQUEST_FREE = bind("MPI_Request_free", "A", false);
    static final MethodHandle IMPROBE = bindQuick("MPI_Improbe", "IIHAAA");
    static final MethodHandle IPROBE = bindQuick("MPI_Iprobe", "IIHAA");
    static final MethodHandle IRECV = bindQuick("MPI_Irecv", "AIHIIHA");
    static final MethodHandle CANCEL = bind("MPI_Cancel", "A", false);
    static final MethodHandle WAIT = bind("MPI_Wait", "AA", false);
    static final MethodHandle TEST_CANCELLED = bind("MPI_Test_cancelled", "AA", false);
    static final MethodHandle MRECV = bind("MPI_Mrecv", "AIHAA", true);

    // collectives (critical: heap arrays in, no copy)
    static final MethodHandle IBARRIER = bind("MPI_Ibarrier", "HA", false);
    // no heap arrays, and it may wait long for the other ranks: not critical, so GC can run meanwhile
    static final MethodHandle BARRIER = bind("MPI_Barrier", "H", false);
    static final MethodHandle BCAST = bind("MPI_Bcast", "AIHIH", true);
    static final MethodHandle REDUCE = bind("MPI_Reduce", "AAIHHIH", true);
    static final MethodHandle ALLREDUCE = bind("MPI_Allreduce", "AAIHHH", true);
    static final MethodHandle SCAN = bind("MPI_Scan", "AAIHHH", true);
    static final MethodHandle EXSCAN = bind("MPI_Exscan", "AAIHHH", true);
    static final MethodHandle GATHERV = bind("MPI_Gatherv", "AIHAAAHIH", true);
    static final MethodHandle SCATTERV = bind("MPI_Scatterv", "AAAHAIHIH", true);
    static final MethodHandle ALLGATHERV = bind("MPI_Allgatherv", "AIHAAAHH", true);
    static final MethodHandle ALLTOALLV = bind("MPI_Alltoallv", "AAAHAAAHH", true);
    static final MethodHandle REDUCE_SCATTER = bind("MPI_Reduce_scatter", "AAAHHH", true);

    // nonblocking collectives: on native copies that live until MPI_Test says done, so not critical
    static final MethodHandle IBCAST = bind("MPI_Ibcast", "AIHIHA", false);
    static final MethodHandle IREDUCE = bind("MPI_Ireduce", "AAIHHIHA", false);
    static final MethodHandle IALLREDUCE = bind("MPI_Iallreduce", "AAIHHHA", false);
    static final MethodHandle ISCAN = bind("MPI_Iscan", "AAIHHHA", false);
    static final MethodHandle IEXSCAN = bind("MPI_Iexscan", "AAIHHHA", false);
    static final MethodHandle IGATHERV = bind("MPI_Igatherv", "AIHAAAHIHA", false);
    static final MethodHandle ISCATTERV = bind("MPI_Iscatterv", "AAAHAIHIHA", false);
    static final MethodHandle IALLGATHERV = bind("MPI_Iallgatherv", "AIHAAAHHA", false);
    static final MethodHandle IALLTOALLV = bind("MPI_Ialltoallv", "AAAHAAAHHA", false);
    static final MethodHandle IREDUCE_SCATTER = bind("MPI_Ireduce_scatter", "AAAHHHA", false);

    static final long COMM_WORLD = ABI.commWorld();
    static final long BYTE = ABI.byteType();
    static final int ANY_SOURCE = ABI.anySource();
    static final int ANY_TAG = ABI.anyTag();
    static final int STATUS_SIZE = ABI.statusSize();
    static final int HANDLE_SIZE = ABI.handleSize();
    static final long STATUS_SOURCE = ABI.statusSourceOffset();
    static final long STATUS_TAG = ABI.statusTagOffset();
    static final MemorySegment IN_PLACE = MemorySegment.ofAddress(ABI.inPlace());

    private Mpi() {
    }

    /** A call that returns at once (a probe, a test, a start): critical without heap access. */
    private static MethodHandle bindQuick(String name, String params) {
        return bind(name, params, "false".equals(System.getProperty("cohort.ffm.quickCritical")) ? false : null);
    }

    /**
     * Binds {@code name} returning int with parameters given by letters: A pointer, I int, H handle
     * (long in Java, the library's handle type in C).
     */
    static MethodHandle bind(String name, String params, Boolean critical) {
        MemorySegment addr = LIB.lookup.find(name).orElseThrow(
                () -> new IllegalStateException(name + " not found in " + LIB.path));
        ValueLayout handle = ABI.handleSize() == 8 ? ValueLayout.JAVA_LONG : ValueLayout.JAVA_INT;
        MemoryLayout[] args = new MemoryLayout[params.length()];
        Class<?>[] javaTypes = new Class<?>[params.length()];
        for (int i = 0; i < args.length; i++) {
            switch (params.charAt(i)) {
                case 'A': args[i] = ValueLayout.ADDRESS; javaTypes[i] = MemorySegment.class; break;
                case 'I': args[i] = ValueLayout.JAVA_INT; javaTypes[i] = int.class; break;
                case 'H': args[i] = handle; javaTypes[i] = long.class; break;
                default: throw new AssertionError(params);
            }
        }
        FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_INT, args);
        MethodHandle mh = critical == null ? LINKER.downcallHandle(addr, fd, Linker.Option.critical(false))
                : critical ? LINKER.downcallHandle(addr, fd, Linker.Option.critical(true))
                : LINKER.downcallHandle(addr, fd);
        return MethodHandles.explicitCastArguments(mh, MethodType.methodType(int.class, javaTypes));
    }
}
