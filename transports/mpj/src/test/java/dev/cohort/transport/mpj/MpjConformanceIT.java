package dev.cohort.transport.mpj;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole conformance suite on MPJ Express's multicore device (ranks are threads of one JVM) and on
 * its niodev cluster device (ranks are JVMs of their own, started by an MPJ daemon and talking over
 * TCP, as on a cluster; here the daemon runs on this machine): ConformanceMain runs every case on the
 * world of one MPJ job, as it does on the local transport under JUnit. On the multicore device, once
 * more with every message handed off ({@link Handoff}; by default only those of 8 KiB or more are),
 * so that matching, probes, type and size errors, objects and ByteBuffers all meet the handoff, and
 * once with point-to-point through MPJ's own device rather than the ranks' {@link Inbox}es (the way
 * niodev runs it, with small sends completing early). The third column is that setting: none
 * ("default"), or a {@code cohort.mpj.*} property.
 */
class MpjConformanceIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(6);
    private static final Pattern SUMMARY = Pattern.compile(
            "conformance: (\\d+) cases on (\\d+) ranks \\(transport (\\w+)\\): (\\d+) passed, (\\d+) failed, (\\d+) skipped");

    @ParameterizedTest(name = "{0}, {1} ranks, {2}")
    @CsvSource({"multicore, 2, default", "multicore, 4, default", "multicore, 2, handoffBytes=1", "multicore, 4, handoffBytes=1",
            "multicore, 4, inbox=false", "niodev, 2, default", "niodev, 4, default"})
    void everyCasePasses(String device, int np, String setting, @TempDir Path dir) throws Exception {
        Path home = MpjJob.home();
        assumeTrue(home != null, "no MPJ_HOME with lib/starter.jar (set MPJ_HOME or -Dcohort.mpj.home)");
        if (device.equals("niodev")) {
            String cause = NiodevDaemon.unavailabilityCause(home);
            assumeTrue(cause == null, () -> "niodev skipped: " + cause);
        }
        List<String> jvmOpts = setting.equals("default") ? List.of() : List.of("-Dcohort.mpj." + setting);
        MpjJob.Result r = MpjJob.run(device, jvmOpts, home, dir, np, TIMEOUT, "dev.cohort.conformance.ConformanceMain", "--timeout=60");
        String summary = r.lines().stream().filter(l -> l.startsWith("conformance: ")).findFirst().orElse(null);
        assertThat(summary).as("the suite's summary line; output:%n%s", r.output()).isNotNull();
        System.out.println("MPJ " + device + ", " + np + " ranks, " + setting + ": " + summary);
        Matcher m = SUMMARY.matcher(summary);
        assertThat(m.find()).as("summary %s", summary).isTrue();
        assertThat(m.group(2)).isEqualTo(Integer.toString(np));
        assertThat(m.group(3)).as("transport").isEqualTo("mpj");
        assertThat(Integer.parseInt(m.group(5))).as("failed cases; output:%n%s", r.output()).isZero();
        assertThat(Integer.parseInt(m.group(4))).as("passed cases").isPositive();
        assertThat(r.allDone(np)).as("every rank returned from main (done %s, failed %s); output:%n%s",
                r.done(), r.failed(), r.output()).isTrue();
    }
}
