package dev.cohort.transport.mpj;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One rank's uncaught exception ends the whole MPJ job, with its cause reported once, while the other
 * ranks wait for that rank. In the multicore device the failing rank's exit ends them (one JVM); in
 * the niodev device each rank is a process of its own, and they end because the failing rank sent
 * them an abort notice: without it they would wait forever. On niodev a rank killed by a signal sends
 * nothing; its watcher ({@link PeerWatch}) ends the job in its stead.
 */
class MpjFailingRankIT {
    /** Far above the job's expected end (about 5 s on niodev): past it MpjJob kills the job and fails. */
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"multicore", "niodev"})
    void oneFailingRankEndsTheJobWithItsCauseReportedOnce(String device, @TempDir Path dir) throws Exception {
        Path home = MpjJob.home();
        assumeTrue(home != null, "no MPJ_HOME with lib/starter.jar (set MPJ_HOME or -Dcohort.mpj.home)");
        if (device.equals("niodev")) {
            String cause = NiodevDaemon.unavailabilityCause(home);
            assumeTrue(cause == null, () -> "niodev skipped: " + cause);
        }
        long t0 = System.nanoTime();
        MpjJob.Result r = MpjJob.run(device, home, dir, 3, TIMEOUT, "dev.cohort.transport.mpj.apps.FailOnRankOne");
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("MPJ %s: the job ended %.1f s after it started%n", device, seconds);
        String report = "cohort: rank 1 failed: java.lang.IllegalStateException: boom on rank 1";
        String all = r.output() + (r.report() != null ? r.report() : "");
        assertThat(all.lines().filter(l -> l.equals(report)).count())
                .as("the root cause, once; output:%n%s", all).isEqualTo(1);
        assertThat(r.failed()).as("ranks recorded as failed; output:%n%s", all).contains(1);
        assertThat(r.done()).as("ranks that returned from main").isEmpty();
        assertThat(all).doesNotContain("boom on rank 0").doesNotContain("cohort: rank 0 failed")
                .doesNotContain("cohort: rank 2 failed");
    }

    /**
     * niodev: rank 1's process is killed with SIGKILL, so it sends nothing. Rank 0, which watches
     * rank 1's process, reports it once and sends rank 2 the abort notice in its stead; both fail
     * with ABORTED (recorded as failed) and the job ends, where it used to wait forever.
     */
    @Test
    void aKilledRankEndsTheNiodevJob(@TempDir Path dir) throws Exception {
        Path home = MpjJob.home();
        assumeTrue(home != null, "no MPJ_HOME with lib/starter.jar (set MPJ_HOME or -Dcohort.mpj.home)");
        String cause = NiodevDaemon.unavailabilityCause(home);
        assumeTrue(cause == null, () -> "niodev skipped: " + cause);
        long t0 = System.nanoTime();
        MpjJob.Result r = MpjJob.run("niodev", home, dir, 3, TIMEOUT, "dev.cohort.transport.mpj.apps.KillRankOne");
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("MPJ niodev: the job with a killed rank ended %.1f s after it started%n", seconds);
        String all = r.output() + (r.report() != null ? r.report() : "");
        String report = "cohort: rank 1's process ended without closing its session (killed by a signal, System.exit,"
                + " or a crash); rank 0 ends the job";
        assertThat(all.lines().filter(l -> l.equals(report)).count())
                .as("the watcher's report, once; output:%n%s", all).isEqualTo(1);
        assertThat(r.failed()).as("ranks recorded as failed; output:%n%s", all).containsExactlyInAnyOrder(0, 2);
        assertThat(r.done()).as("ranks that returned from main").isEmpty();
        assertThat(all).doesNotContain("rank 1 was not killed");
    }
}
