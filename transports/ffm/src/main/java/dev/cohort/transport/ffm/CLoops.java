package dev.cohort.transport.ffm;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.cohort.spi.CacheDir;

/**
 * The C references of the paired tools ({@link PairedLatency}, and PairedAllreduce in the test
 * sources): {@code cohort_loops.c} (a resource beside this class), compiled with the MPI library's own
 * mpicc into Cohort's cache and loaded into this process, so that C's MPI_Send / MPI_Recv ping-pong
 * and MPI_Allreduce calls run in the same processes as Cohort's, on the MPI the transport initialized.
 * The compiler is {@code -Dcohort.ffm.mpicc}, else MPICH's {@code mpicc.mpich} or Open MPI's
 * {@code mpicc.openmpi} / {@code mpicc} by the library ffm found. The library's name holds a hash
 * of the source, the compiler and the MPI library, so a change to any of them compiles it again.
 */
final class CLoops {
    private static final String SOURCE = "cohort_loops.c";
    private final MethodHandle pingPong, allreduce;

    private CLoops(MethodHandle pingPong, MethodHandle allreduce) {
        this.pingPong = pingPong;
        this.allreduce = allreduce;
    }

    /** Compiles (once) and loads the C reference; throws IllegalStateException saying why it cannot. */
    static CLoops load() {
        String source;
        try (InputStream in = CLoops.class.getResourceAsStream(SOURCE)) {
            if (in == null) throw new IllegalStateException(SOURCE + " is missing from the transport's jar");
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + SOURCE + ": " + e.getMessage(), e);
        }
        String family = Mpi.ABI.family();
        String mpicc = compiler(family);
        Path lib = CacheDir.path().resolve("ffm").resolve("libcohort_loops-" + family + "-"
                + hash(source + '\0' + mpicc + '\0' + Mpi.LIB.path) + ".so");
        if (!Files.isRegularFile(lib)) compile(source, mpicc, lib);
        SymbolLookup symbols = SymbolLookup.libraryLookup(lib, Arena.global());
        Linker linker = Linker.nativeLinker();
        MethodHandle initialized = linker.downcallHandle(find(symbols, "cohort_c_initialized", lib),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
        int flag;
        try {
            flag = (int) initialized.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("calling " + lib + ": " + t, t);
        }
        if (flag != 1) {
            throw new IllegalStateException(lib + " (built with " + mpicc + ") links another MPI library than the transport's "
                    + Mpi.LIB.path + ": MPI is not initialized there");
        }
        return new CLoops(linker.downcallHandle(find(symbols, "cohort_c_pingpong", lib),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)),
                linker.downcallHandle(find(symbols, "cohort_c_allreduce", lib),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT)));
    }

    /**
     * Half the mean round trip, in microseconds, of {@code trips} round trips of {@code bytes} bytes of
     * {@code buf} (native memory) with {@code peer} on MPI_COMM_WORLD, timed around the C loop.
     */
    double trips(MemorySegment buf, int bytes, int peer, int tag, int trips, boolean first) {
        return microsEach("cohort_c_pingpong", 2 * trips, () -> (int) pingPong.invokeExact(buf, bytes, peer, tag, trips, first ? 1 : 0));
    }

    /**
     * The mean time per call, in microseconds, of {@code calls} allreduces (SUM) of {@code count}
     * doubles from {@code send} into {@code recv} (native memory) on MPI_COMM_WORLD, timed around the C loop.
     */
    double allreduce(MemorySegment send, MemorySegment recv, int count, int calls) {
        return microsEach("cohort_c_allreduce", calls, () -> (int) allreduce.invokeExact(send, recv, count, calls));
    }

    /** A C loop's return code (MPI's), as a downcall gives it. */
    private interface Loop {
        int run() throws Throwable;
    }

    /** Times one call of a C loop; its time over {@code each}, in microseconds; throws on an MPI error. */
    private static double microsEach(String function, int each, Loop loop) {
        long t0 = System.nanoTime();
        int rc;
        try {
            rc = loop.run();
        } catch (Throwable t) {
            throw new IllegalStateException(function + ": " + t, t);
        }
        long t = System.nanoTime() - t0;
        if (rc != 0) throw new IllegalStateException(function + ": MPI error " + rc);
        return t / 1e3 / each;
    }

    private static MemorySegment find(SymbolLookup symbols, String name, Path lib) {
        return symbols.find(name).orElseThrow(() -> new IllegalStateException(name + " not found in " + lib));
    }

    private static String compiler(String family) {
        String given = System.getProperty("cohort.ffm.mpicc");
        if (given != null && !given.isBlank()) return given.trim();
        List<String> names = family.equals("mpich") ? List.of("mpicc.mpich") : List.of("mpicc.openmpi", "mpicc");
        String path = System.getenv("PATH");
        for (String n : names) {
            for (String dir : path == null ? new String[0] : path.split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, n);
                if (Files.isExecutable(p)) return p.toString();
            }
        }
        throw new IllegalStateException("no " + String.join(" or ", names) + " on PATH to compile " + SOURCE + " with (Debian: "
                + (family.equals("mpich") ? "apt-get install libmpich-dev" : "apt-get install libopenmpi-dev")
                + "; or -Dcohort.ffm.mpicc=PATH)");
    }

    /** Compiles into a file of its own, then moves it into place: the ranks of a node may race. */
    private static void compile(String source, String mpicc, Path lib) {
        Path dir = null;
        try {
            Files.createDirectories(lib.getParent());
            dir = Files.createTempDirectory(lib.getParent(), ".build-");
            Path src = dir.resolve(SOURCE);
            Files.writeString(src, source);
            Path out = dir.resolve(lib.getFileName());
            Path log = dir.resolve("mpicc.log");
            Process p = new ProcessBuilder(mpicc, "-O2", "-shared", "-fPIC", "-o", out.toString(), src.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(mpicc + " did not finish compiling " + SOURCE + " in 120 s");
            }
            String said = Files.readString(log).trim();
            if (p.exitValue() != 0 || !Files.isRegularFile(out)) {
                throw new IllegalStateException(mpicc + " failed on " + SOURCE + " (exit " + p.exitValue() + ")"
                        + (said.isEmpty() ? "" : ": " + said));
            }
            try {
                Files.move(out, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(out, lib, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new IllegalStateException("compiling " + SOURCE + " with " + mpicc + " into " + lib + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling " + SOURCE, e);
        } finally {
            if (dir != null) deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover temporary directory in the cache; the next build makes its own
        }
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
