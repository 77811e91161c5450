package dev.cohort.transport.openmpi;

import dev.cohort.CohortOptions;
import dev.cohort.spi.Transport;
import dev.cohort.spi.TransportProvider;

/**
 * The {@code openmpi} transport: available when Open MPI's Java bindings can be loaded (mpi.jar on
 * the class path, libmpi_java on java.library.path); chosen automatically in a process started by
 * Open MPI's mpirun (OMPI_COMM_WORLD_SIZE / OMPI_COMM_WORLD_RANK in the environment).
 *
 * <p>The availability check loads classes and the native library but does not initialize MPI.
 */
public final class OpenMpiTransportProvider implements TransportProvider {
    private static volatile String cause;
    private static volatile boolean checked;

    @Override
    public String name() {
        return "openmpi";
    }

    @Override
    public boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    @Override
    public String unavailabilityCause() {
        if (!checked) {
            synchronized (OpenMpiTransportProvider.class) {
                if (!checked) {
                    cause = check();
                    checked = true;
                }
            }
        }
        return cause;
    }

    private static String check() {
        ClassLoader loader = OpenMpiTransportProvider.class.getClassLoader();
        try {
            // MPJ Express's mpj.jar has an mpi.MPI too: Open MPI's is the one with getLibVersion
            Class.forName("mpi.MPI", false, loader).getMethod("getLibVersion");
        } catch (ClassNotFoundException | LinkageError e) {
            return "Open MPI's mpi.jar is not on the class path: run bin/setup-native (it finds mpi.jar, or on Debian "
                    + "builds it from the source package) and start ranks with -cp \"$(bin/cohort classpath)\"";
        } catch (NoSuchMethodException e) {
            return "the mpi.MPI class on the class path is not Open MPI's (MPJ Express's mpj.jar comes first?): "
                    + "put Open MPI's mpi.jar on the class path instead";
        }
        try {
            System.loadLibrary("mpi_java");
        } catch (UnsatisfiedLinkError e) {
            return "Open MPI's native library libmpi_java cannot be loaded (" + e.getMessage() + "); install Open MPI "
                    + "with its Java bindings (Debian: apt-get install openmpi-bin libopenmpi-dev) and pass "
                    + "-Djava.library.path=\"$(ompi_info --path libdir | sed 's/.*: *//')\"";
        }
        return null;
    }

    @Override
    public String version() {
        if (!isAvailable()) return null;
        try {
            String v = Version.library();
            String level = OpenMpiTransport.threadLevel();
            if (v == null) return null;
            Pinned.available();
            String helper = "native helper " + Pinned.state();
            return level == null ? v + " (" + helper + ")" : v + " (thread level " + level + ", " + helper + ")";
        } catch (LinkageError | RuntimeException e) {
            return null;
        }
    }

    @Override
    public boolean launchedHere() {
        return System.getenv("OMPI_COMM_WORLD_SIZE") != null || System.getenv("OMPI_COMM_WORLD_RANK") != null;
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Transport open(String[] args, CohortOptions options) {
        return OpenMpiTransport.open(args);
    }

    /** Kept apart so that mpi classes are touched only after the availability check. */
    private static final class Version {
        static String library() {
            String v = mpi.MPI.getLibVersion();
            if (v == null) return null;
            v = v.trim();
            int nl = v.indexOf('\n');
            if (nl >= 0) v = v.substring(0, nl).trim();
            if (v.endsWith(",")) v = v.substring(0, v.length() - 1);
            return v;
        }
    }
}
