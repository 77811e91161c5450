package dev.cohort.transport.ffm;

import dev.cohort.CohortException;
import dev.cohort.CohortOptions;
import dev.cohort.ErrorClass;
import dev.cohort.spi.Transport;
import dev.cohort.spi.TransportProvider;

import java.lang.reflect.InvocationTargetException;

/**
 * The "ffm" transport: any C MPI library (Open MPI, MPICH) through java.lang.foreign, on JDK 22 or
 * newer. This class is compiled for Java 17 and touches the rest of the package only reflectively,
 * so on an older JVM it loads and answers {@code isAvailable() == false}.
 *
 * <p>Under mpirun / mpiexec it outranks the JNI "openmpi" transport (priority 20 against its 10).
 */
public final class FfmTransportProvider implements TransportProvider {
    static final int MIN_FEATURE = 22;
    private volatile String cause;
    private volatile String version;
    private volatile boolean probed;

    @Override
    public String name() {
        return "ffm";
    }

    private void probe() {
        if (probed) return;
        synchronized (this) {
            if (probed) return;
            int feature = Runtime.version().feature();
            if (feature < MIN_FEATURE) {
                cause = "the ffm transport needs Java " + MIN_FEATURE + " or newer (java.lang.foreign with critical downcalls); this is Java "
                        + feature + ". Run with JDK 25 (set JAVA25_HOME or JAVA_HOME)";
            } else {
                try {
                    version = (String) support().getMethod("describe").invoke(null);
                } catch (InvocationTargetException e) {
                    Throwable c = e.getCause();
                    cause = String.valueOf(c instanceof ExceptionInInitializerError && c.getCause() != null ? c.getCause().getMessage() : c.getMessage());
                } catch (ReflectiveOperationException | LinkageError e) {
                    cause = "the ffm transport classes cannot be loaded: " + e;
                }
            }
            probed = true;
        }
    }

    private static Class<?> support() throws ClassNotFoundException {
        return Class.forName("dev.cohort.transport.ffm.FfmSupport", true, FfmTransportProvider.class.getClassLoader());
    }

    @Override
    public boolean isAvailable() {
        probe();
        return cause == null;
    }

    @Override
    public String unavailabilityCause() {
        probe();
        return cause;
    }

    @Override
    public String version() {
        probe();
        return version;
    }

    /** Under Open MPI's mpirun or MPICH's hydra (mpiexec), on a JVM that can run it. */
    @Override
    public boolean launchedHere() {
        if (Runtime.version().feature() < MIN_FEATURE) return false;
        return System.getenv("OMPI_COMM_WORLD_SIZE") != null || System.getenv("PMI_SIZE") != null
                || System.getenv("PMI_RANK") != null;
    }

    @Override
    public int priority() {
        return 20;
    }

    @Override
    public Transport open(String[] args, CohortOptions options) {
        if (!isAvailable()) throw new CohortException(ErrorClass.SESSION, -1, "transport ffm is not available: " + cause);
        try {
            return (Transport) support().getMethod("open").invoke(null);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new CohortException(ErrorClass.SESSION, -1, "ffm: " + c, c);
        } catch (ReflectiveOperationException e) {
            throw new CohortException(ErrorClass.SESSION, -1, "ffm: " + e, e);
        }
    }
}
