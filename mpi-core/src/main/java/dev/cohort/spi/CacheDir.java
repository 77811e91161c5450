package dev.cohort.spi;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Cohort's cache directory, where set-up puts what it builds once (Open MPI's mpi.jar, the openmpi
 * transport's native helper, the compiled benchmark references): {@code $COHORT_CACHE}, else
 * {@code $XDG_CACHE_HOME/cohort}, else {@code ~/.cache/cohort}, as bin/lib/openmpi.sh computes it.
 */
public final class CacheDir {
    private CacheDir() {
    }

    public static Path path() {
        String own = System.getenv("COHORT_CACHE");
        if (own != null && !own.isEmpty()) return Paths.get(own);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isEmpty()) return Paths.get(xdg, "cohort");
        return Paths.get(System.getProperty("user.home"), ".cache", "cohort");
    }
}
