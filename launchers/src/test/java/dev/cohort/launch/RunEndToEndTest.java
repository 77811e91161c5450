package dev.cohort.launch;

import dev.cohort.Cohort;
import dev.cohort.launch.LauncherProcess.Result;
import dev.cohort.launch.testapps.EchoArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static dev.cohort.launch.LauncherProcess.cohort;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code cohort run} in a JVM of its own, as users start it. */
class RunEndToEndTest {
    private static final String APPS = "dev.cohort.launch.testapps.";

    private static String testApps() {
        return LauncherProcess.testClasses().toString();
    }

    @Test
    void helloOnFourRanksPrintsOneLinePerRank() {
        Result r = cohort("run", "-np", "4", "dev.cohort.samples.Hello");
        assertThat(r.exitCode).as(r.toString()).isZero();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) expected.add("Hello, World! I am process " + i + " of 4 on " + Cohort.hostName() + ".");
        assertThat(r.outLines()).as(r.toString()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(r.err).isEmpty();
    }

    @Test
    void helloUnderPlainJavaIsOneRank() {
        String cp = LauncherProcess.runtimeClassPath() + File.pathSeparator + LauncherProcess.samples();
        Result r = LauncherProcess.java(cp, List.of("dev.cohort.samples.Hello"));
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.outLines()).containsExactly("Hello, World! I am process 0 of 1 on " + Cohort.hostName() + ".");
    }

    @Test
    void theProgramsOwnOptionsApplyUnderTheLauncher() {
        // its codec policy allows a class the default refuses: under the launcher too, where the
        // rank's session is opened before main
        Result r = cohort("run", "-np", "3", "--transport", "local", "-cp", testApps(), APPS + "CodecOptions");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.outLines()).as(r.toString()).containsExactlyInAnyOrder(
                "rank 0 got Point[rank=2, value=7]", "rank 1 got Point[rank=0, value=7]", "rank 2 got Point[rank=1, value=7]");

        // a rank in a process of its own (as under mpirun) starts through RankMain
        String cp = LauncherProcess.runtimeClassPath() + File.pathSeparator + testApps();
        Result one = LauncherProcess.java(cp, List.of("dev.cohort.launch.RankMain", APPS + "CodecOptions"));
        assertThat(one.exitCode).as(one.toString()).isZero();
        assertThat(one.outLines()).as(one.toString()).containsExactly("rank 0 got Point[rank=0, value=7]");
    }

    @Test
    void everyRankHasItsOwnStaticFields() {
        Result r = cohort("run", "-np", "4", "--transport", "local", "-cp", testApps(), APPS + "StaticCounter");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.outLines()).as(r.toString()).containsExactlyInAnyOrder(
                "rank 0 counter 1 loader cohort-rank-0",
                "rank 1 counter 1 loader cohort-rank-1",
                "rank 2 counter 1 loader cohort-rank-2",
                "rank 3 counter 1 loader cohort-rank-3");
        assertThat(r.err).as("no warning about shared statics").isEmpty();
    }

    @Test
    void tagOutputPrefixesWholeLinesWithTheRank() {
        Result r = cohort("run", "-np", "2", "--tag-output", "-cp", testApps(), APPS + "TaggedLines");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.outLines()).as(r.toString()).containsExactlyInAnyOrder(
                "[0] first line of 0", "[0] helper thread of 0", "[0] unfinished 0",
                "[1] first line of 1", "[1] helper thread of 1", "[1] unfinished 1");
        assertThat(r.errLines()).as(r.toString()).containsExactlyInAnyOrder("[0] error line of 0", "[1] error line of 1");
    }

    @Test
    void withoutTagOutputLinesAreAsPrinted() {
        Result r = cohort("run", "-np", "1", "-cp", testApps(), APPS + "TaggedLines");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).isEqualTo(String.join(System.lineSeparator(), "first line of 0", "helper thread of 0", "unfinished 0"));
    }

    @Test
    void aFailingRankIsReportedOnceWithItsRootCauseAndExitCodeOne() {
        Result r = cohort("run", "-np", "3", "-cp", testApps(), APPS + "FailOnRankOne");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        List<String> err = r.errLines();
        assertThat(err.get(0)).as(r.toString()).isEqualTo("cohort: rank 1 failed: java.lang.IllegalStateException: boom");
        assertThat(err.stream().filter(l -> l.contains("boom"))).as(r.toString()).hasSize(1);
        // frames name the rank's class loader, as java does for named loaders
        assertThat(err.get(1)).isEqualTo("\tat cohort-rank-1//" + APPS + "FailOnRankOne.fail(FailOnRankOne.java:22)");
        assertThat(err.get(2)).isEqualTo("\tat cohort-rank-1//" + APPS + "FailOnRankOne.main(FailOnRankOne.java:15)");
        assertThat(err).as("the trace ends at main").hasSize(3);
        assertThat(r.err).doesNotContain("ABORTED");
    }

    @Test
    void aDeadlockEndsTheJobWithExitCodeOne() {
        Result r = cohort("run", "-np", "2", "-cp", testApps(), APPS + "Deadlock");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(r.errLines().get(0)).startsWith("cohort: ").containsIgnoringCase("deadlock");
    }

    @Test
    void argumentsAfterTheMainClassGoToTheProgram() {
        Result r = cohort("run", "-np", "2", "-cp", testApps(), APPS + "EchoArgs", "x", "--tag-output", "-np");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.outLines()).containsExactlyInAnyOrder(
                "rank 0 of 2 main [x, --tag-output, -np] session [x, --tag-output, -np]",
                "rank 1 of 2 main [x, --tag-output, -np] session [x, --tag-output, -np]");
    }

    @Test
    void runsTheMainClassOfAnExecutableJar(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("echo.jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, EchoArgs.class.getName());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            String entry = EchoArgs.class.getName().replace('.', '/') + ".class";
            out.putNextEntry(new JarEntry(entry));
            Files.copy(LauncherProcess.testClasses().resolve(entry), out);
            out.closeEntry();
        }
        Result r = cohort("run", "-np", "2", "-jar", jar.toString(), "-np", "7");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.outLines()).containsExactlyInAnyOrder(
                "rank 0 of 2 main [-np, 7] session [-np, 7]",
                "rank 1 of 2 main [-np, 7] session [-np, 7]");
    }

    @Test
    void pointToPointOnOneRankExitsWithTwo() {
        Result r = cohort("run", "-np", "1", "dev.cohort.samples.PointToPoint");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("PointToPoint needs at least 2 ranks");
    }

    @Test
    void badInputExitsWithTwoBeforeAnyRankStarts() {
        Result r = cohort("run", "-np", "2", "-cp", testApps(), "no.such.Main");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err).startsWith("cohort run: main class no.such.Main not found on the application class path ");
        assertThat(r.out).isEmpty();
    }
}
