package dev.cohort.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cohort jobscript} in this JVM: directives, the script's text, help, and input it rejects (exit 2). */
class JobScriptCommandTest {
    static final class Run {
        int exitCode;
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    static Run cohort(String... args) {
        Run r = new Run();
        r.exitCode = CohortMain.execute(new PrintWriter(r.out, true), new PrintWriter(r.err, true), args);
        return r;
    }

    static List<String> args(String... words) {
        return new ArrayList<>(List.of(words));
    }

    /** The directive lines of a script, without their prefix. */
    static List<String> directives(String script, String prefix) {
        return script.lines().filter(l -> l.startsWith(prefix + " ")).map(l -> l.substring(prefix.length() + 1))
                .collect(Collectors.toList());
    }

    private static String script(String... args) {
        Run r = cohort(args);
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.err.toString()).as(r.toString()).isEmpty();
        return r.out.toString();
    }

    @Test
    void pbsDirectivesFollowTheOptions() {
        String s = script("jobscript", "pbs", "--nodes", "4", "--ppn", "16", "--walltime", "12:00:00", "--queue", "batch",
                "--account", "proj42", "--name", "solve", "dev.cohort.samples.Hello");
        assertThat(directives(s, "#PBS")).containsExactly("-N solve", "-l nodes=4:ppn=16", "-l walltime=12:00:00", "-q batch",
                "-A proj42", "-j oe", "-S /bin/bash");
        assertThat(s).contains("cd \"${PBS_O_WORKDIR:?", "NP=$(wc -l < \"${PBS_NODEFILE:?",
                "mpirun ${MPIRUN_OPTS[@]+\"${MPIRUN_OPTS[@]}\"} -np \"$NP\" -machinefile \"$PBS_NODEFILE\"");
    }

    @Test
    void slurmDirectivesFollowTheOptions() {
        String s = script("jobscript", "slurm", "--nodes", "2", "--ppn", "8", "--walltime", "36:00:00", "--partition", "long",
                "-A", "proj42", "dev.cohort.samples.Hello");
        assertThat(directives(s, "#SBATCH")).containsExactly("--job-name=Hello", "--nodes=2", "--ntasks-per-node=8",
                "--time=1-12:00:00", "--partition=long", "--account=proj42", "--output=Hello-%j.out");
        assertThat(s).contains("NP=${SLURM_NTASKS:-$((SLURM_JOB_NUM_NODES * SLURM_NTASKS_PER_NODE))}",
                "mpirun ${MPIRUN_OPTS[@]+\"${MPIRUN_OPTS[@]}\"} -np \"$NP\" \\");
    }

    @Test
    void sgeDirectivesAskForNodesTimesPpnSlots() {
        String s = script("jobscript", "sge", "--nodes", "3", "--ppn", "4", "--walltime", "00:10:00", "--pe", "orte",
                "-q", "all.q", "--account", "proj42", "dev.cohort.samples.Hello");
        assertThat(directives(s, "#$")).containsExactly("-N Hello", "-pe orte 12", "-l h_rt=00:10:00", "-q all.q",
                "-A proj42", "-cwd", "-j y", "-S /bin/bash");
        assertThat(s).contains("NP=${NSLOTS:?");
    }

    @Test
    void optionalDirectivesAreLeftOutAndTheDefaultPeIsMpi() {
        String s = script("jobscript", "sge", "--nodes", "1", "--ppn", "2", "--walltime", "00:01:00", "dev.cohort.samples.Hello");
        assertThat(directives(s, "#$")).containsExactly("-N Hello", "-pe mpi 2", "-l h_rt=00:01:00", "-cwd", "-j y", "-S /bin/bash");
    }

    @Test
    void directivesComeBeforeTheFirstCommand() {
        for (String scheduler : List.of("pbs", "slurm", "sge")) {
            String s = script("jobscript", scheduler, "--nodes", "1", "--ppn", "1", "--walltime", "00:01:00", "X");
            List<String> lines = s.lines().collect(Collectors.toList());
            int firstCommand = 1;
            while (lines.get(firstCommand).startsWith("#")) firstCommand++;
            int lastDirective = 0;
            for (int i = 0; i < lines.size(); i++) if (lines.get(i).matches("#(PBS|SBATCH|\\$) .*")) lastDirective = i;
            assertThat(lastDirective).as(s).isLessThan(firstCommand);
            assertThat(lines.get(0)).isEqualTo("#!/bin/bash");
        }
    }

    @Test
    void theRunLineQuotesJvmOptionsAndArguments() {
        String s = script("jobscript", "slurm", "--nodes", "1", "--ppn", "2", "--walltime", "00:01:00", "--jvm-opt", "-Xmx2g",
                "--jvm-opt=-Dgreeting=hello world", "--transport", "openmpi", "dev.cohort.samples.Hello", "a b", "it's", "$HOME");
        assertThat(s).contains("    \"$JAVA\" -cp \"$CP\" -XX:ObjectAlignmentInBytes=32 ${JAVA_THP[@]+\"${JAVA_THP[@]}\"} -Xmx2g '-Dgreeting=hello world' -Dcohort.transport=openmpi "
                + "dev.cohort.samples.Hello 'a b' 'it'\\''s' '$HOME'\n");
    }

    @Test
    void argumentsThatLookLikeOptionsBelongToTheProgram() {
        String s = script("jobscript", "pbs", "--nodes", "1", "--ppn", "1", "--walltime", "00:01:00", "X", "--nodes", "0", "-o", "f");
        assertThat(s).contains(" X --nodes 0 -o f\n");
    }

    @Test
    void moduleLinesComeInOrder() {
        String s = script("jobscript", "pbs", "--nodes", "1", "--ppn", "1", "--walltime", "00:01:00", "--module", "java/17",
                "--module", "openmpi/4.1.4", "X");
        assertThat(s).contains("module load java/17\nmodule load openmpi/4.1.4\n");
        assertThat(script("jobscript", "pbs", "--nodes", "1", "--ppn", "1", "--walltime", "00:01:00", "X")).doesNotContain("module");
    }

    @Test
    void rootIsDetectedWhenTheJobRunsNotWhenTheScriptIsWritten() {
        String s = script("jobscript", "pbs", "--nodes", "1", "--ppn", "1", "--walltime", "00:01:00", "X");
        assertThat(s).contains("if [ \"$(id -u)\" -eq 0 ]; then", "MPIRUN_OPTS+=(--allow-run-as-root)");
        assertThat(s.lines().filter(l -> !l.startsWith("#") && l.contains("--allow-run-as-root")).count()).isEqualTo(1);
    }

    @Test
    void theClassPathIsWrittenAtGenerationTimeByDefault(@TempDir Path dir) {
        String s = script("jobscript", "slurm", "--nodes", "1", "--ppn", "1", "--walltime", "00:01:00", "-cp", dir.toString(), "X");
        String cpLine = s.lines().filter(l -> l.startsWith("CP=")).findFirst().orElseThrow();
        assertThat(cpLine).startsWith("CP=" + dir + File.pathSeparator).contains(ClasspathCommand.runtimeAndBundled());
        assertThat(s).doesNotContain("cohort classpath)");
    }

    @Test
    void atRunTimeTheScriptAsksTheCohortCommandAndHoldsNoAbsolutePath() {
        String s = script("jobscript", "slurm", "--nodes", "1", "--ppn", "1", "--walltime", "00:01:00", "--classpath-at-run-time",
                "-cp", "classes:lib/*", "X");
        assertThat(s).contains("COHORT=${COHORT:-cohort}", "CP=$(\"$COHORT\" classpath)", "CP='classes:lib/*':$CP");
        assertThat(s).doesNotContain(System.getProperty("user.dir"), System.getProperty("java.home"));
    }

    @Test
    void slurmCanStartTheRanksWithSrun() {
        String s = script("jobscript", "slurm", "--nodes", "2", "--ppn", "2", "--walltime", "00:01:00", "--launcher", "srun", "X");
        assertThat(s).contains("srun \\\n    \"$JAVA\" -cp \"$CP\" -XX:ObjectAlignmentInBytes=32 ${JAVA_THP[@]+\"${JAVA_THP[@]}\"} X\n").doesNotContain("mpirun ");
    }

    @Test
    void theHeaderSaysHowToWriteTheScriptAgain() {
        String s = script("jobscript", "pbs", "--nodes", "1", "--ppn", "2", "--walltime", "1:00:00", "--module", "m",
                "dev.cohort.samples.Hello", "a b", "line\nbreak");
        assertThat(s).contains("#   cohort jobscript pbs --nodes 1 --ppn 2 --walltime 01:00:00 --module m dev.cohort.samples.Hello "
                + "'a b' 'line\\nbreak'\n");
        assertThat(s.lines().limit(5)).allMatch(l -> l.startsWith("#"));
    }

    @Test
    void aJarRunsItsMainClassWithTheJarFirstOnTheClassPath(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("my app.jar");
        java.util.jar.Manifest mf = new java.util.jar.Manifest();
        mf.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS, "org.example.Solve");
        new java.util.jar.JarOutputStream(Files.newOutputStream(jar), mf).close();

        String s = script("jobscript", "pbs", "--nodes", "1", "--ppn", "2", "--walltime", "00:01:00", "-jar", jar.toString(),
                "--nodes", "0", "x y");
        assertThat(directives(s, "#PBS")).startsWith("-N my_app");
        assertThat(s).contains("CP='" + jar + File.pathSeparator, "\"$JAVA\" -cp \"$CP\" ", "${JAVA_THP[@]}\"} org.example.Solve --nodes 0 'x y'\n");

        String late = script("jobscript", "slurm", "--nodes", "1", "--ppn", "2", "--walltime", "00:01:00", "--classpath-at-run-time",
                "-jar", jar.toString());
        assertThat(late).contains("CP='" + jar + "':$CP", "\"$JAVA\" -cp \"$CP\" ", "${JAVA_THP[@]}\"} org.example.Solve\n");
    }

    @Test
    void theJobNameDefaultsToTheMainClassOrTheJar() {
        assertThat(JobCommand.defaultName("dev.cohort.samples.Hello", null)).isEqualTo("Hello");
        assertThat(JobCommand.defaultName(null, "/opt/apps/my solver-1.0.jar")).isEqualTo("my_solver-1.0");
        assertThat(JobCommand.defaultName(null, "1st.jar")).isEqualTo("job1st");
    }

    @Test
    void theJobIdIsWhatTheSubmitCommandPrinted() {
        assertThat(JobCommand.jobId(Scheduler.SLURM, "4242;cluster\n")).isEqualTo("4242");
        assertThat(JobCommand.jobId(Scheduler.SLURM, "4242")).isEqualTo("4242");
        assertThat(JobCommand.jobId(Scheduler.PBS, "123.pbs-server.example.org\n")).isEqualTo("123.pbs-server.example.org");
        assertThat(JobCommand.jobId(Scheduler.SGE, "77\n")).isEqualTo("77");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pbs", "slurm", "sge"})
    void everyScriptIsValidBash(String scheduler, @TempDir Path dir) throws IOException, InterruptedException {
        for (List<String> extra : List.of(List.<String>of(), List.of("--module", "java/17", "--classpath-at-run-time", "-cp", "a b"),
                List.of("--jvm-opt", "-Dx=$(id)", "--mpirun-opt", "--bind-to", "--mpirun-opt", "core"))) {
            List<String> a = args("jobscript", scheduler, "--nodes", "2", "--ppn", "3", "--walltime", "00:01:00");
            a.addAll(extra);
            a.addAll(List.of("X", "'", "\"", "`", "$", "\\"));
            Path file = dir.resolve("job.sh");
            Files.writeString(file, script(a.toArray(new String[0])));
            Process p = new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(extra + ": " + out).isZero();
        }
    }

    static Stream<Arguments> badInput() {
        String[] ok = {"--nodes", "1", "--ppn", "1", "--walltime", "00:01:00"};
        return Stream.of(
                Arguments.of(List.of("jobscript", "lsf", "--nodes", "1"), "cohort jobscript: unknown scheduler 'lsf'; choose pbs, slurm or sge"),
                Arguments.of(List.of("jobscript"), "cohort jobscript: missing the scheduler: cohort jobscript (pbs | slurm | sge) OPTIONS..."),
                Arguments.of(List.of("jobscript", "--nodes", "2"), "cohort jobscript: missing the scheduler: cohort jobscript (pbs | slurm | sge) OPTIONS..."),
                Arguments.of(with(List.of("jobscript", "pbs", "--nodes", "0", "--ppn", "1", "--walltime", "00:01:00"), "X"),
                        "cohort jobscript pbs: --nodes must be at least 1, got 0"),
                Arguments.of(with(List.of("jobscript", "slurm", "--nodes", "1", "--ppn", "-2", "--walltime", "00:01:00"), "X"),
                        "cohort jobscript slurm: --ppn must be at least 1, got -2"),
                Arguments.of(with(List.of("jobscript", "sge", "--nodes", "1", "--ppn", "1", "--walltime", "1:00"), "X"),
                        "cohort jobscript sge: malformed walltime '1:00'; give HH:MM:SS, for example 01:30:00 or 48:00:00"),
                Arguments.of(with(List.of("jobscript", "pbs", "--nodes", "1", "--ppn", "1", "--walltime", "01:75:00"), "X"),
                        "cohort jobscript pbs: malformed walltime '01:75:00'; minutes and seconds must be 00 to 59"),
                Arguments.of(with(List.of("jobscript", "pbs"), ok, "--queue", "a b", "X"),
                        "cohort jobscript pbs: --queue 'a b' holds characters a scheduler directive cannot: use letters, digits and _ . @ + % : = / -"),
                Arguments.of(with(List.of("jobscript", "slurm"), ok, "--account", "x\n#SBATCH --mem=1T", "X"),
                        "cohort jobscript slurm: --account 'x\\n#SBATCH --mem=1T' holds characters a scheduler directive cannot: use letters, digits and _ . @ + % : = / -"),
                Arguments.of(with(List.of("jobscript", "slurm"), ok, "--name", "my job", "X"),
                        "cohort jobscript slurm: --name 'my job' is not a job name every scheduler accepts: a letter, then up to 63 letters, digits, _ . or -"),
                Arguments.of(with(List.of("jobscript", "pbs"), ok, "--module", "java; rm -rf ~", "X"),
                        "cohort jobscript pbs: --module 'java; rm -rf ~' is not a module name"),
                Arguments.of(with(List.of("jobscript", "pbs"), ok, "--jvm-opt", "Xmx2g", "X"),
                        "cohort jobscript pbs: --jvm-opt 'Xmx2g' is not a JVM option (those start with -)"),
                Arguments.of(with(List.of("jobscript", "pbs"), ok, "--transport", "carrier-pigeon", "X"),
                        "cohort jobscript pbs: unknown transport 'carrier-pigeon'; choose auto, openmpi or ffm"),
                Arguments.of(with(List.of("jobscript", "pbs"), ok, "--transport", "local", "X"),
                        "cohort jobscript pbs: --transport local cannot run under mpirun; a job script runs auto, openmpi or ffm (for local ranks in one JVM use cohort run)"),
                Arguments.of(with(List.of("jobscript", "slurm"), ok, "--launcher", "aprun", "X"),
                        "cohort jobscript slurm: --launcher must be mpirun or srun, got 'aprun'"),
                Arguments.of(with(List.of("jobscript", "sge"), ok, "--pe", "mpi fill", "X"),
                        "cohort jobscript sge: --pe 'mpi fill' holds characters a scheduler directive cannot: use letters, digits and _ . @ + % : = / -"),
                Arguments.of(with(List.of("jobscript", "pbs"), ok), "cohort jobscript pbs: missing the main class (or -jar JAR)"),
                Arguments.of(with(List.of("jobscript", "pbs"), ok, "Hello.class"),
                        "cohort jobscript pbs: 'Hello.class' is a file name; give the class name, for example Hello"),
                Arguments.of(with(List.of("jobscript", "pbs"), ok, "app.jar"), "cohort jobscript pbs: 'app.jar' is a jar; run it with -jar app.jar"),
                Arguments.of(with(List.of("jobscript", "pbs"), ok, "9lives"), "cohort jobscript pbs: '9lives' is not a Java class name"),
                Arguments.of(with(List.of("jobscript", "pbs"), ok, "-jar", "/nonexistent/app.jar"),
                        "cohort jobscript pbs: jar file not found: /nonexistent/app.jar"));
    }

    private static List<String> with(List<String> head, Object... rest) {
        List<String> out = new ArrayList<>(head);
        for (Object o : rest) {
            if (o instanceof String[]) out.addAll(List.of((String[]) o));
            else out.add((String) o);
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("badInput")
    void badInputIsOneLineExitTwoAndWritesNothing(List<String> args, String message, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("job.sh");
        List<String> withOutput = new ArrayList<>(args);
        if (withOutput.size() >= 3 && !withOutput.get(1).equals("lsf") && !withOutput.get(1).startsWith("-")) {
            withOutput.addAll(2, List.of("-o", file.toString()));
        }
        Run r = cohort(withOutput.toArray(new String[0]));
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.err.toString()).as(r.toString()).isEqualTo(message + System.lineSeparator());
        assertThat(r.out.toString()).isEmpty();
        assertThat(file).doesNotExist();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aMissingRequiredOptionIsAParseError() {
        Run r = cohort("jobscript", "slurm", "--nodes", "1", "--ppn", "1", "X");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err.toString()).startsWith("cohort jobscript slurm: Missing required option: '--walltime=HH:MM:SS'");
        assertThat(r.out.toString()).isEmpty();
    }

    @Test
    void outputToAMissingDirectoryIsRejected(@TempDir Path dir) {
        Path file = dir.resolve("no/such/dir/job.pbs");
        Run r = cohort("jobscript", "pbs", "--nodes", "1", "--ppn", "1", "--walltime", "00:01:00", "-o", file.toString(), "X");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err.toString()).isEqualTo("cohort jobscript pbs: -o " + file + ": the directory " + file.getParent()
                + " does not exist" + System.lineSeparator());
    }

    @Test
    void outputGoesToAnExecutableFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("hello.slurm");
        Run r = cohort("jobscript", "slurm", "--nodes", "1", "--ppn", "2", "--walltime", "00:01:00", "-o", file.toString(),
                "dev.cohort.samples.Hello");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out.toString()).isEmpty();
        assertThat(r.err.toString()).isEqualTo("cohort jobscript: wrote " + file + "; submit it with: sbatch " + file + System.lineSeparator());
        assertThat(Files.readString(file)).startsWith("#!/bin/bash\n").contains("#SBATCH --nodes=1");
        assertThat(Files.isExecutable(file)).isTrue();
    }

    @Test
    void helpShowsExamplesAndEverySchedulerHasItsOwn() {
        Run r = cohort("jobscript", "--help");
        assertThat(r.exitCode).isZero();
        assertThat(r.out.toString()).startsWith("Usage: cohort jobscript").contains("(pbs | slurm | sge)", "Examples:",
                "sbatch hello.slurm", "pbs", "slurm", "sge", "2   bad usage or input; nothing was written");
        for (String s : List.of("pbs", "slurm", "sge")) {
            Run h = cohort("jobscript", s, "--help");
            assertThat(h.exitCode).isZero();
            assertThat(h.out.toString()).startsWith("Usage: cohort jobscript " + s + " --nodes N --ppn P --walltime HH:MM:SS")
                    .contains("--module", "--jvm-opt", "--submit", "--classpath-at-run-time", "(MAIN | -jar JAR) [ARGS]...");
            assertThat(h.out.toString().lines()).as(h.out.toString()).allMatch(l -> l.length() <= 80);
        }
        assertThat(r.out.toString().lines()).as(r.out.toString()).allMatch(l -> l.length() <= 80);
        assertThat(cohort("--help").out.toString()).contains("jobscript");
    }
}
