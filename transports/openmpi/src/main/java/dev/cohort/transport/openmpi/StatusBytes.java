package dev.cohort.transport.openmpi;

import mpi.MPI;
import mpi.MPIException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The byte count of an {@link mpi.Status} without a JNI call where possible: Open MPI 4's bindings
 * keep the C status (source, tag, error, cancelled, byte count) in a {@code long[] data} field, and
 * {@code getCount} only hands those back to C. The field is read when it exists and agreed with
 * getCount the first time; otherwise (another bindings version) getCount is used.
 */
final class StatusBytes {
    private static final VarHandle DATA = find();
    /** 0: not checked yet, 1: the field gives the count, -1: use getCount. */
    private static volatile int mode;

    private StatusBytes() {
    }

    private static VarHandle find() {
        try {
            return MethodHandles.privateLookupIn(mpi.Status.class, MethodHandles.lookup())
                    .findVarHandle(mpi.Status.class, "data", long[].class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static int count(mpi.Status st) throws MPIException {
        int m = mode;
        if (m == 1) return (int) ((long[]) DATA.get(st))[4];
        int viaJni = st.getCount(MPI.BYTE);
        if (m == 0) {
            boolean ok = false;
            if (DATA != null) {
                long[] d = (long[]) DATA.get(st);
                ok = d != null && d.length >= 5 && d[4] == viaJni && d[0] == st.getSource() && d[1] == st.getTag();
            }
            mode = ok ? 1 : -1;
        }
        return viaJni;
    }
}
