package dev.cohort.transport.ffm;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Finds, loads and identifies the C MPI library. Where it looks, in order: {@code -Dcohort.mpi.lib}
 * (a path or a soname), the environment variable COHORT_MPI_LIB, then by launcher: under MPICH's
 * hydra (PMI_RANK / PMI_SIZE without OMPI_*) libmpich, under Open MPI's mpirun (OMPI_COMM_WORLD_SIZE)
 * the libmpi in {@code ompi_info --path libdir}; outside a launcher Open MPI first, then MPICH.
 *
 * <p>The library is opened with RTLD_GLOBAL (Open MPI's plugins resolve libmpi's symbols through the
 * global namespace) and identified with MPI_Get_library_version, which MPI allows before MPI_Init.
 */
final class MpiLibrary {
    final String path;
    final SymbolLookup lookup;
    final String version;
    final Abi abi;

    private MpiLibrary(String path, SymbolLookup lookup, String version, Abi abi) {
        this.path = path;
        this.lookup = lookup;
        this.version = version;
        this.abi = abi;
    }

    private static volatile MpiLibrary loaded;
    private static volatile String failure;

    /** The process's MPI library, loaded on first use; throws IllegalStateException with the reason when none loads. */
    static MpiLibrary get() {
        MpiLibrary l = loaded;
        if (l != null) return l;
        synchronized (MpiLibrary.class) {
            if (loaded == null && failure == null) {
                try {
                    loaded = load();
                } catch (RuntimeException | LinkageError e) {
                    failure = e.getMessage();
                }
            }
            if (loaded == null) throw new IllegalStateException(failure);
            return loaded;
        }
    }

    /** The library version line (first line of MPI_Get_library_version), its family and path. */
    String describe() {
        String first = version.lines().findFirst().orElse(version).trim();
        return first + " (" + abi.family() + ", " + path + ")";
    }

    /** Which family the launcher environment points to: "openmpi", "mpich" or null. */
    static String launcherFamily() {
        if (System.getenv("OMPI_COMM_WORLD_SIZE") != null) return "openmpi";
        if (System.getenv("PMI_SIZE") != null || System.getenv("PMI_RANK") != null
                || System.getenv("HYDRA_CONTROL_FD") != null || System.getenv("MPI_LOCALNRANKS") != null) {
            return "mpich";
        }
        return null;
    }

    static List<String> candidates() {
        List<String> out = new ArrayList<>();
        String explicit = System.getProperty("cohort.mpi.lib");
        if (explicit == null || explicit.isBlank()) explicit = System.getenv("COHORT_MPI_LIB");
        if (explicit != null && !explicit.isBlank()) {
            out.add(explicit.trim());
            return out;
        }
        String family = launcherFamily();
        String wanted = System.getProperty("cohort.mpi", "");
        if (family == null && !wanted.isBlank()) family = wanted.trim().toLowerCase(Locale.ROOT);
        List<String> ompi = new ArrayList<>();
        String libdir = ompiLibdir();
        if (libdir != null) {
            for (String n : new String[]{"libmpi.so.40", "libmpi.so"}) {
                if (Files.exists(Path.of(libdir, n))) ompi.add(Path.of(libdir, n).toString());
            }
        }
        ompi.add("libmpi.so.40");
        List<String> mpich = List.of("libmpich.so.12", "libmpi.so.12");
        if ("mpich".equals(family)) {
            out.addAll(mpich);
        } else if ("openmpi".equals(family)) {
            out.addAll(ompi);
        } else {
            out.addAll(ompi);
            out.addAll(mpich);
            out.add("libmpi.so");
        }
        return out;
    }

    /** Open MPI's library directory from {@code ompi_info --parsable --path libdir}, or null. */
    static String ompiLibdir() {
        try {
            Process p = new ProcessBuilder("ompi_info", "--parsable", "--path", "libdir").redirectErrorStream(true).start();
            String dir = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    int i = line.indexOf("libdir:");
                    if (i >= 0) dir = line.substring(i + "libdir:".length()).trim();
                }
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
            return dir;
        } catch (Exception e) {
            return null;
        }
    }

    private static final int RTLD_NOW = 2, RTLD_GLOBAL = 0x100;

    private static MpiLibrary load() {
        Linker linker = Linker.nativeLinker();
        MethodHandle dlopen = linker.defaultLookup().find("dlopen")
                .map(a -> linker.downcallHandle(a, FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT)))
                .orElse(null);
        keepUcxOffJvmSignals(linker);
        List<String> tried = new ArrayList<>();
        for (String c : candidates()) {
            try (Arena a = Arena.ofConfined()) {
                if (dlopen != null) {
                    MemorySegment h = (MemorySegment) dlopen.invokeExact(a.allocateFrom(c), RTLD_NOW | RTLD_GLOBAL);
                    if (h.equals(MemorySegment.NULL)) {
                        tried.add(c + " (not found)");
                        continue;
                    }
                }
            } catch (Throwable t) {
                tried.add(c + " (" + t + ")");
                continue;
            }
            SymbolLookup lookup;
            try {
                lookup = SymbolLookup.libraryLookup(c, Arena.global());
            } catch (IllegalArgumentException e) {
                tried.add(c + " (" + e.getMessage() + ")");
                continue;
            }
            if (lookup.find("MPI_Get_library_version").isEmpty()) {
                tried.add(c + " (no MPI_Get_library_version: not an MPI-3 library)");
                continue;
            }
            String version = libraryVersion(linker, lookup);
            Abi abi;
            if (version.contains("Open MPI")) abi = new Abi.OpenMpi(lookup);
            else if (version.contains("MPICH") || version.contains("Intel(R) MPI") || version.contains("MVAPICH")) abi = new Abi.Mpich();
            else {
                tried.add(c + " (unknown MPI library: " + version.lines().findFirst().orElse("") + ")");
                continue;
            }
            return new MpiLibrary(c, lookup, version, abi);
        }
        throw new IllegalStateException("no C MPI library could be loaded; tried " + tried
                + ". Install Open MPI (openmpi-bin libopenmpi-dev) or MPICH (mpich libmpich-dev), or set -Dcohort.mpi.lib=/path/to/libmpi.so");
    }

    /**
     * UCX (under MPICH's ch4 and Open MPI's pml/ucx) installs SIGSEGV / SIGBUS handlers when it is
     * loaded, and turns the JVM's own use of SIGSEGV (implicit null checks, safepoint polls) into an
     * abort. Unless the user chose otherwise, ask it for no error signals before libmpi loads it.
     */
    private static void keepUcxOffJvmSignals(Linker linker) {
        if (System.getenv("UCX_ERROR_SIGNALS") != null) return;
        linker.defaultLookup().find("setenv").ifPresent(a -> {
            MethodHandle setenv = linker.downcallHandle(a,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            try (Arena arena = Arena.ofConfined()) {
                int rc = (int) setenv.invokeExact(arena.allocateFrom("UCX_ERROR_SIGNALS"), arena.allocateFrom(""), 0);
            } catch (Throwable t) {
                // best effort: the launcher sets it too
            }
        });
    }

    private static String libraryVersion(Linker linker, SymbolLookup lookup) {
        MethodHandle h = linker.downcallHandle(lookup.find("MPI_Get_library_version").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(8192);
            MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
            int rc = (int) h.invokeExact(buf, len);
            if (rc != 0) return "unknown (MPI_Get_library_version returned " + rc + ")";
            return buf.getString(0).trim();
        } catch (Throwable t) {
            return "unknown (" + t + ")";
        }
    }
}
