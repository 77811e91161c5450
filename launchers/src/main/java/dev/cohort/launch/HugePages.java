package dev.cohort.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * Transparent huge pages for the heap of ranks that hand heap arrays to MPI. The openmpi transport
 * (with its native helper) and the ffm transport give MPI the arrays themselves, and Open MPI's
 * shared-memory transport moves a large message with one {@code process_vm_readv} (CMA), which pins
 * and walks every page of both buffers: with 2 MiB pages 1 and 4 MiB ping-pong ran about 2x faster
 * here (transports/openmpi/README.md, transports/ffm/README.md). Where the kernel gives huge pages
 * only on request ({@code [madvise]}, Debian's default), the JVM asks for them for its heap with
 * {@value #FLAG}; in {@code [always]} mode the heap has them already, in {@code [never]} mode the
 * flag would only earn a warning.
 */
final class HugePages {
    static final String FLAG = "-XX:+UseTransparentHugePages";
    private static final Path MODE = Paths.get("/sys/kernel/mm/transparent_hugepage/enabled");

    private HugePages() {
    }

    /** The JVM options for a kernel whose THP setting reads {@code mode} (null: unknown). */
    static List<String> jvmOptions(String mode) {
        return mode != null && mode.contains("[madvise]") ? List.of(FLAG) : List.of();
    }

    /** This kernel's THP setting, or null where there is none (not Linux, no THP). */
    static String modeHere() {
        try {
            return Files.readString(MODE);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
