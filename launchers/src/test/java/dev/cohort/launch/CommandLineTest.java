package dev.cohort.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The cohort command in this JVM: help, and input it rejects (exit 2) before starting any rank. */
class CommandLineTest {
    /** Exit code and output of one execution. */
    private static final class Run {
        int exitCode;
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private static Run cohort(String... args) {
        Run r = new Run();
        r.exitCode = CohortMain.execute(new PrintWriter(r.out, true), new PrintWriter(r.err, true), args);
        return r;
    }

    private static void assertUsageError(Run r, String message) {
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.err.toString()).as(r.toString()).isEqualTo("cohort run: " + message + System.lineSeparator());
        assertThat(r.out.toString()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "classpath", "info", "bench"})
    void everySubcommandHasHelp(String command) {
        Run r = cohort(command, "--help");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out.toString()).startsWith("Usage: cohort " + command);
    }

    @Test
    void topLevelHelpListsTheCommandsAndExitCodes() {
        Run r = cohort("--help");
        assertThat(r.exitCode).isZero();
        assertThat(r.out.toString()).contains("run", "classpath", "info", "bench", "2   bad usage or input");
    }

    @Test
    void runHelpShowsTheSynopsis() {
        Run r = cohort("help", "run");
        assertThat(r.exitCode).isZero();
        assertThat(r.out.toString()).contains("cohort run -np N [--transport auto|local|openmpi|mpj|ffm] [--jvm-opt OPT]...",
                "[--mpirun-opt OPT]... [--tag-output] [-cp PATH]", "(MAIN | -jar JAR) [ARGS]...");
    }

    @Test
    void noCommandIsAUsageError() {
        Run r = cohort();
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err.toString()).startsWith("cohort: missing a command");
    }

    @Test
    void zeroRanksIsRejected() {
        assertUsageError(cohort("run", "-np", "0", "dev.cohort.samples.Hello"), "-np must be at least 1, got 0");
    }

    @Test
    void negativeRanksAreRejected() {
        assertUsageError(cohort("run", "-n", "-3", "dev.cohort.samples.Hello"), "-np must be at least 1, got -3");
    }

    @Test
    void missingRankCountIsRejectedByTheParser() {
        Run r = cohort("run", "dev.cohort.samples.Hello");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err.toString()).isEqualTo("cohort run: Missing required option: '--np=N'" + System.lineSeparator()
                + "Try 'cohort run --help' for more information." + System.lineSeparator());
    }

    @Test
    void unknownTransportIsRejected() {
        assertUsageError(cohort("run", "-np", "2", "--transport", "carrier-pigeon", "dev.cohort.samples.Hello"),
                "unknown transport 'carrier-pigeon'; choose auto, local, openmpi, mpj or ffm");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--bind-to", "--tag-output", "-np"})
    void mpirunOptionsAreTakenAsTheyAreAndRefusedWhereNoMpiLauncherStartsTheRanks(String opt) {
        // the value may be one of cohort run's own options: it is still mpirun's
        String refused = "--mpirun-opt is for the transports started by an MPI launcher (openmpi, ffm); local runs its ranks in this JVM";
        assertUsageError(cohort("run", "-np", "2", "--transport", "local", "--mpirun-opt=" + opt, "dev.cohort.samples.Hello"), refused);
        assertUsageError(cohort("run", "-np", "2", "--transport", "local", "--mpirun-opt", opt, "dev.cohort.samples.Hello"), refused);
    }

    @Test
    void anOptionForAnotherProgramNeedsItsValue() {
        Run r = cohort("run", "-np", "2", "--jvm-opt");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.err.toString()).startsWith("cohort run: Missing OPT after --jvm-opt");
    }

    @ParameterizedTest
    @ValueSource(strings = {"openmpi", "mpj", "ffm"})
    void unavailableNativeTransportsAreRefused(String transport) {
        // a transport whose provider is here and available would really start a job: that is covered elsewhere
        boolean present = false;
        for (dev.cohort.spi.TransportProvider p : dev.cohort.Cohort.providers()) present |= p.name().equals(transport);
        assumeTrue(!present, "transport " + transport + " is part of this build");
        Run r = cohort("run", "-np", "2", "--transport", transport, "dev.cohort.samples.Hello");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err.toString()).startsWith("cohort run: transport " + transport + " is not available: ");
        assertThat(r.err.toString().lines()).hasSize(1);
    }

    @Test
    void unknownMainClassIsRejected(@TempDir Path dir) {
        Run r = cohort("run", "-np", "2", "-cp", dir.toString(), "com.example.Missing");
        assertUsageError(r, "main class com.example.Missing not found on the application class path " + dir);
    }

    @Test
    void aClassWithoutMainIsRejected() {
        assertUsageError(cohort("run", "-np", "2", "-cp", LauncherProcess.testClasses().toString(),
                "dev.cohort.launch.testapps.NoMain"), "class dev.cohort.launch.testapps.NoMain has no public static void main(String[] args)");
    }

    @Test
    void aClassFileNameIsExplained() {
        assertUsageError(cohort("run", "-np", "2", "Hello.class"),
                "'Hello.class' is a file name; give the class name, for example Hello");
    }

    @Test
    void missingJarIsRejected(@TempDir Path dir) {
        assertUsageError(cohort("run", "-np", "2", "-jar", dir.resolve("absent.jar").toString()),
                "jar file not found: " + dir.resolve("absent.jar"));
    }

    @Test
    void jarWithoutMainClassIsRejected(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("plain.jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        new JarOutputStream(Files.newOutputStream(jar), mf).close();
        assertUsageError(cohort("run", "-np", "2", "-jar", jar.toString()), "no Main-Class in the manifest of " + jar);
    }

    @Test
    void missingMainClassIsRejected() {
        assertUsageError(cohort("run", "-np", "2"), "missing the main class (or -jar JAR)");
    }

    @Test
    void unknownOptionBeforeTheMainClassIsRejected() {
        Run r = cohort("run", "-np", "2", "--tag-outptu", "dev.cohort.samples.Hello");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err.toString()).startsWith("cohort run: Unknown option: '--tag-outptu'").contains("--tag-output");
    }

    @Test
    void benchHandsItsArgumentsToTheBundledBenchmarks() {
        Run bad = cohort("bench", "pingpong");
        assertThat(bad.exitCode).as(bad.toString()).isEqualTo(2);
        assertThat(bad.err.toString()).contains("pingpong").contains("latency");
        Run ok = cohort("bench", "latency", "--sizes", "8:16", "--iterations", "20", "--warmup", "5");
        assertThat(ok.exitCode).as(ok.toString()).isZero();
        assertThat(ok.out.toString()).contains("# Size").contains("Latency (us)");
    }

    @Test
    void classpathPrintsTheRuntimeClassPath() {
        Run r = cohort("classpath");
        assertThat(r.exitCode).isZero();
        String printed = r.out.toString().trim();
        assertThat(printed).doesNotContain(System.lineSeparator());
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!e.isEmpty()) assertThat(printed).contains(Path.of(e).toAbsolutePath().normalize().toString());
        }
    }

    @Test
    void infoListsTheJdkTheTransportsAndMpirun() {
        Run r = cohort("info");
        assertThat(r.exitCode).isZero();
        String out = r.out.toString();
        assertThat(out).contains("Java " + System.getProperty("java.version"), "  local    available", "  mpirun   ",
                "  mpiexec  ");
        // each native transport is listed as available (with its version) or not available (with the reason),
        // whichever this machine gives
        for (String t : new String[]{"openmpi", "mpj", "ffm"}) {
            assertThat(out).containsPattern("(?m)^  " + t + " +(available(, \\S.*)?|not available: \\S.*)$");
        }
    }

    @Test
    void aMainClassOnTheLaunchersOwnClassPathIsWarnedAbout() {
        StringBuilder warning = new StringBuilder();
        ApplicationMain.check("dev.cohort.launch.testapps.EchoArgs", AppClassPath.forMainClass(null, null, null, Path.of(".")),
                CommandLineTest.class.getClassLoader(), warning);
        assertThat(warning.toString()).contains("static fields are shared by all ranks");
    }
}
