package dev.cohort.launch;

import dev.cohort.Cohort;
import dev.cohort.spi.TransportProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** {@code cohort info}: the JDK, the transports found and whether an MPI launcher is on PATH. */
@Command(name = "info",
        mixinStandardHelpOptions = true,
        description = "Show the JDK, every transport provider with its availability, and whether mpirun / mpiexec are on PATH.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Cohort " + CohortMain.cohortVersion());
        out.println("Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.vm.name") + ") at " + System.getProperty("java.home"));
        out.println("OS " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " processors");
        out.println("Transports:");
        Set<String> seen = new HashSet<>();
        List<TransportProvider> providers;
        try {
            providers = Cohort.providers();
        } catch (RuntimeException | LinkageError e) {
            out.println("  (cannot list transport providers: " + e + ")");
            providers = List.of();
        }
        for (TransportProvider p : providers) {
            out.println("  " + describe(p));
            seen.add(p.name());
        }
        for (String name : new TreeSet<>(RunCommand.NATIVE_TRANSPORTS)) {
            if (!seen.contains(name)) {
                out.println(String.format("  %-8s not available: no provider on the class path (transports/%s is not part of this build)",
                        name, name));
            }
        }
        out.println("MPI launchers on PATH:");
        for (String tool : new String[]{"mpirun", "mpiexec"}) {
            Path p = onPath(tool, System.getenv("PATH"));
            out.println(String.format("  %-8s %s", tool, p != null ? p : "not found"));
        }
        out.flush();
        return ExitCode.OK;
    }

    private static String describe(TransportProvider p) {
        try {
            String name = String.format("%-8s ", p.name());
            if (!p.isAvailable()) return name + "not available: " + p.unavailabilityCause();
            String version = p.version();
            return name + "available" + (version != null ? ", " + version : "")
                    + (p.launchedHere() ? ", started by its launcher (auto picks it, priority " + p.priority() + ")" : "");
        } catch (RuntimeException | LinkageError e) {
            return p.getClass().getName() + " failed to answer: " + e;
        }
    }

    /** The first executable named {@code tool} in a PATH list, or null. */
    static Path onPath(String tool, String path) {
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            try {
                Path p = Paths.get(dir, tool);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
            } catch (InvalidPathException e) {
                // skip entries that are not paths
            }
        }
        return null;
    }
}
