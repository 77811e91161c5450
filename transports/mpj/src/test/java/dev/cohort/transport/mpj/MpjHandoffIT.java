package dev.cohort.transport.mpj;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The multicore device's handoff ({@link Handoff}) is in use with the default threshold: a 1 MiB send
 * is an offer in the JVM's registry until its receive copies it, a 4-byte send is not, and the data
 * arrives whole whichever order the receives come in (apps.HandoffCheck). With the handoff turned off
 * the large send makes no offer (it travels as a copy through the receiver's {@link Inbox}); with the
 * inboxes turned off too, the registry, which holds both, is never made and the messages go through MPJ.
 */
class MpjHandoffIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void aLargeSendIsHandedOffAndASmallOneIsNot(@TempDir Path dir) throws Exception {
        Path home = MpjJob.home();
        assumeTrue(home != null, "no MPJ_HOME with lib/starter.jar (set MPJ_HOME or -Dcohort.mpj.home)");
        MpjJob.Result r = MpjJob.run("multicore", List.of(), home, dir, 2, TIMEOUT, "dev.cohort.transport.mpj.apps.HandoffCheck");
        assertThat(r.lines()).as("output:%n%s", r.output()).contains("handoff ok on rank 0", "handoff ok on rank 1");
        assertThat(r.allDone(2)).as("every rank returned from main; output:%n%s", r.output()).isTrue();
    }

    @Test
    void turnedOffALargeSendMakesNoOffer(@TempDir Path dir) throws Exception {
        Path home = MpjJob.home();
        assumeTrue(home != null, "no MPJ_HOME with lib/starter.jar (set MPJ_HOME or -Dcohort.mpj.home)");
        MpjJob.Result r = MpjJob.run("multicore", List.of("-Dcohort.mpj.handoffBytes=0"), home, dir, 2, TIMEOUT,
                "dev.cohort.transport.mpj.apps.HandoffCheck");
        String all = r.output() + (r.report() != null ? r.report() : "");
        assertThat(all).as("output").contains("handoff check failed: one offer while the large send is pending, found 0");
        assertThat(r.failed()).as("ranks recorded as failed; output:%n%s", all).isNotEmpty();
    }

    @Test
    void withTheInboxesOffTooTheRegistryIsNeverMade(@TempDir Path dir) throws Exception {
        Path home = MpjJob.home();
        assumeTrue(home != null, "no MPJ_HOME with lib/starter.jar (set MPJ_HOME or -Dcohort.mpj.home)");
        MpjJob.Result r = MpjJob.run("multicore", List.of("-Dcohort.mpj.handoffBytes=0", "-Dcohort.mpj.inbox=false"), home,
                dir, 2, TIMEOUT, "dev.cohort.transport.mpj.apps.HandoffCheck");
        String all = r.output() + (r.report() != null ? r.report() : "");
        assertThat(all).as("output").contains("handoff check failed: the handoff registry is in the platform MBean server: null");
        assertThat(r.failed()).as("ranks recorded as failed; output:%n%s", all).isNotEmpty();
    }
}
