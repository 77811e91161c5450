package dev.cohort.transport.mpj;

import dev.cohort.CohortException;
import dev.cohort.CohortOptions;
import dev.cohort.ErrorClass;
import dev.cohort.spi.Transport;
import dev.cohort.spi.TransportProvider;

/**
 * The "mpj" transport: MPJ Express through its mpiJava 1.2 API. Available when MPJ's classes (mpj.jar)
 * and log4j 1.2, which they need, can be loaded; launchedHere() when MPJ's starter (multicore device)
 * or daemon (niodev, hybdev) runs this thread's program.
 */
public final class MpjTransportProvider implements TransportProvider {
    static final String NAME = "mpj";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    @Override
    public String unavailabilityCause() {
        ClassLoader l = loader();
        try {
            Class.forName("mpi.MPI", false, l);
        } catch (ClassNotFoundException | LinkageError e) {
            return "MPJ Express (mpj.jar) is not on the class path: run the program with MPJ's starter "
                    + "(bin/cohort run --transport mpj, or java -jar $MPJ_HOME/lib/starter.jar -np N -dev multicore MAIN)"
                    + " or add $MPJ_HOME/lib/mpj.jar; on Debian: apt-get install libmpj-java";
        }
        try {
            Class.forName("org.apache.log4j.Logger", false, l);
        } catch (ClassNotFoundException | LinkageError e) {
            return "MPJ Express needs log4j 1.2 (log4j-1.2.jar beside mpj.jar in $MPJ_HOME/lib); "
                    + "bin/lib/mpj.sh makes such an MPJ_HOME from Debian's libmpj-java";
        }
        return null;
    }

    @Override
    public String version() {
        try {
            String v = MpjEnvironment.version(Class.forName("mpi.MPI", false, loader()));
            return "MPJ Express " + (v != null ? v : "(version unknown)");
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    @Override
    public boolean launchedHere() {
        return MpjEnvironment.startedByMpj();
    }

    @Override
    public int priority() {
        return 50;
    }

    @Override
    public Transport open(String[] args, CohortOptions options) {
        String cause = unavailabilityCause();
        if (cause != null) throw new CohortException(ErrorClass.SESSION, -1, "transport mpj is not available: " + cause);
        String[] initArgs = MpjEnvironment.initArgs(args);
        if (initArgs == null) {
            throw new CohortException(ErrorClass.SESSION, -1, "transport mpj: main's arguments do not start with the rank, "
                    + "size or configuration, and device that MPJ Express's starter adds (got "
                    + (args == null ? "null" : java.util.Arrays.toString(args)) + "). Start the program with MPJ's "
                    + "starter (bin/cohort run --transport mpj) and pass main's args unchanged to Cohort.init(args)");
        }
        return MpjTransport.open(initArgs);
    }

    private static ClassLoader loader() {
        return MpjTransportProvider.class.getClassLoader();
    }
}
