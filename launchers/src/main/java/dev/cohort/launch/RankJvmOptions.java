package dev.cohort.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * The JVM options Cohort gives ranks that hand heap arrays to MPI: the openmpi transport (with its
 * native helper) and the ffm transport give MPI the arrays themselves, and Open MPI's shared-memory
 * transport moves a large message with one {@code process_vm_readv} (CMA) between the two heaps.
 * <ul>
 * <li>{@value #ALIGNMENT}: every object starts on a 32-byte boundary, so the data of any two arrays
 *     (16 bytes past their object's start) lie a multiple of 32 bytes apart modulo the page. The
 *     kernel's copy between processes runs about 15x slower on this project's AMD EPYC machines when
 *     the destination lies 1-31 bytes past the source modulo 4 KiB, which is where two arrays
 *     allocated one after the other land with the default 8-byte alignment (BENCHMARKS.md,
 *     transports/openmpi/README.md). Heaps of small objects grow by it (a million-entry
 *     {@code HashMap<Integer, String>}: 105 to 137 MB); large arrays do not. The JVM also starts
 *     without the JDK's class-data-sharing archive (built for 8 bytes), 30-40 ms later.</li>
 * <li>{@value #HUGE_PAGES}, where the kernel gives transparent huge pages only on request
 *     ({@code [madvise]}, Debian's default): CMA pins and walks every page of both buffers, and with
 *     2 MiB pages 1 and 4 MiB ping-pong ran about 2x faster here. In {@code [always]} mode the heap
 *     has them already, in {@code [never]} mode the flag would only earn a warning.</li>
 * </ul>
 * Launchers put these before the user's JVM options, so that a later
 * {@code -XX:ObjectAlignmentInBytes=8} or {@code -XX:-UseTransparentHugePages} wins.
 */
final class RankJvmOptions {
    static final String ALIGNMENT = "-XX:ObjectAlignmentInBytes=32";
    static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";
    private static final Path MODE = Paths.get("/sys/kernel/mm/transparent_hugepage/enabled");

    private RankJvmOptions() {
    }

    /** The options for a rank on a kernel whose THP setting reads {@code thpMode} (null: unknown). */
    static List<String> forMpi(String thpMode) {
        return thpMode != null && thpMode.contains("[madvise]") ? List.of(ALIGNMENT, HUGE_PAGES) : List.of(ALIGNMENT);
    }

    /** This kernel's THP setting, or null where there is none (not Linux, no THP). */
    static String thpModeHere() {
        try {
            return Files.readString(MODE);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
