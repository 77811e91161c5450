package dev.cohort.transport.mpj;

import dev.cohort.Cohort;
import dev.cohort.CohortException;
import dev.cohort.CohortOptions;
import dev.cohort.ErrorClass;
import dev.cohort.spi.TransportProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the provider answers outside MPJ's starter (mpj.jar is on the test class path). */
class MpjTransportProviderTest {
    private final MpjTransportProvider p = new MpjTransportProvider();

    @Test
    void isFoundByServiceLoaderUnderItsName() {
        assertThat(Cohort.providers()).extracting(TransportProvider::name).contains("mpj");
    }

    @Test
    void isAvailableWithMpjsVersionButNotLaunchedHere() {
        assertThat(p.isAvailable()).as("cause: %s", p.unavailabilityCause()).isTrue();
        assertThat(p.unavailabilityCause()).isNull();
        assertThat(p.version()).startsWith("MPJ Express ").doesNotContain("unknown");
        assertThat(p.launchedHere()).isFalse();
        assertThat(Cohort.selectProvider("auto").name()).isEqualTo("local");
    }

    @Test
    void openingOutsideTheStarterSaysWhatIsMissing() {
        assertThatThrownBy(() -> p.open(new String[]{"a", "b"}, CohortOptions.defaults()))
                .isInstanceOf(CohortException.class)
                .satisfies(e -> assertThat(((CohortException) e).errorClass()).isEqualTo(ErrorClass.SESSION))
                .hasMessageContaining("starter")
                .hasMessageContaining("Cohort.init(args)");
    }

    @Test
    void recognisesTheArgumentsMpjsStarterAdds() {
        assertThat(MpjEnvironment.hasLauncherPrefix(new String[]{"0", "4", "smpdev", "x"})).isTrue();
        assertThat(MpjEnvironment.hasLauncherPrefix(new String[]{"3", "mpj-job.conf", "niodev"})).isTrue();
        assertThat(MpjEnvironment.hasLauncherPrefix(new String[]{"x", "4", "smpdev"})).isFalse();
        assertThat(MpjEnvironment.hasLauncherPrefix(new String[]{"0", "4"})).isFalse();
        assertThat(MpjEnvironment.hasLauncherPrefix(null)).isFalse();
        assertThat(MpjEnvironment.programArgs(new String[]{"0", "4", "smpdev", "a", "b c"})).containsExactly("a", "b c");
    }

    @Test
    void mpiInitGetsTheLauncherArgumentsMpjMainKeptForTheRank() throws Exception {
        assertThat(MpjEnvironment.initArgs(new String[]{"a"})).isNull();
        assertThat(MpjEnvironment.initArgs(new String[]{"1", "2", "smpdev", "a"})).containsExactly("1", "2", "smpdev", "a");
        java.util.concurrent.atomic.AtomicReference<String[]> inChild = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<String[]> inRank = new java.util.concurrent.atomic.AtomicReference<>();
        Thread rank = new Thread(() -> {
            MpjEnvironment.LAUNCHER_ARGS.set(new String[]{"1", "2", "smpdev"});
            Thread child = new Thread(() -> inChild.set(MpjEnvironment.initArgs(new String[]{"a", "b"})));
            child.start();
            try {
                child.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inRank.set(MpjEnvironment.initArgs(null));
        });
        rank.start();
        rank.join();
        assertThat(inChild.get()).containsExactly("1", "2", "smpdev", "a", "b");
        assertThat(inRank.get()).containsExactly("1", "2", "smpdev");
        assertThat(MpjEnvironment.initArgs(new String[]{"a"})).as("other threads are not ranks").isNull();
    }
}
