package dev.cohort.transport.ffm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The provider outside a launcher: it names itself, finds the MPI library and its family, and stays out of auto-selection. */
class FfmTransportProviderTest {
    @Test
    void describesTheLibraryItFound() {
        FfmTransportProvider p = new FfmTransportProvider();
        assertThat(p.name()).isEqualTo("ffm");
        assumeTrue(p.isAvailable(), () -> "no MPI library here: " + p.unavailabilityCause());
        assertThat(p.unavailabilityCause()).isNull();
        assertThat(p.version()).containsAnyOf("Open MPI", "MPICH").containsAnyOf("(openmpi,", "(mpich,");
        assertThat(p.priority()).as("above the JNI openmpi transport (10)").isGreaterThan(10);
    }

    @Test
    void notLaunchedHereOutsideMpirun() {
        assumeTrue(System.getenv("OMPI_COMM_WORLD_SIZE") == null && System.getenv("PMI_SIZE") == null
                && System.getenv("PMI_RANK") == null);
        assertThat(new FfmTransportProvider().launchedHere()).isFalse();
    }
}
