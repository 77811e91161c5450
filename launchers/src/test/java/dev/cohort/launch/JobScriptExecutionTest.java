package dev.cohort.launch;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;

import static dev.cohort.launch.JobScriptCommandTest.cohort;
import static dev.cohort.launch.JobScriptCommandTest.directives;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Generated scripts run by bash under a simulated scheduler: the environment PBS, Slurm or SGE gives a
 * job, and a fake mpirun (or srun) on PATH that records its arguments and runs the program once per rank.
 * The program is a real JVM running {@code EchoArgs}, so nasty arguments are checked end to end.
 */
class JobScriptExecutionTest {
    private static final String ECHO = "dev.cohort.launch.testapps.EchoArgs";
    private static final long TIMEOUT_SECONDS = 90;

    /** Records argv (NUL-separated) and the working directory, then starts the command -np times. */
    private static final String FAKE_MPIRUN = String.join("\n",
            "#!/bin/bash",
            "if [ \"${1:-}\" = --version ]; then echo 'mpirun (Open MPI) 4.1.4'; exit 0; fi",
            "printf '%s\\0' \"$@\" > \"$FAKE_ARGS\"",
            "pwd > \"$FAKE_CWD\"",
            "np=1",
            "while [ $# -gt 0 ]; do",
            "    case $1 in",
            "        -np | -n) np=$2; shift 2 ;;",
            "        -machinefile | --hostfile) shift 2 ;;",
            "        -*) shift ;;",
            "        *) break ;;",
            "    esac",
            "done",
            "for ((r = 0; r < np; r++)); do \"$@\" || exit $?; done",
            "");
    /** srun: the same, with the task count from Slurm's environment. */
    private static final String FAKE_SRUN = String.join("\n",
            "#!/bin/bash",
            "printf '%s\\0' \"$@\" > \"$FAKE_ARGS\"",
            "pwd > \"$FAKE_CWD\"",
            "for ((r = 0; r < SLURM_NTASKS; r++)); do \"$@\" || exit $?; done",
            "");

    @TempDir
    Path dir;
    Path bin;
    Path work;

    @BeforeEach
    void fakeTools() throws IOException {
        bin = Files.createDirectories(dir.resolve("bin"));
        work = Files.createDirectories(dir.resolve("work dir"));
        executable(bin.resolve("mpirun"), FAKE_MPIRUN);
        executable(bin.resolve("srun"), FAKE_SRUN);
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        assertThat(file.toFile().setExecutable(true)).isTrue();
    }

    /** The outcome of running a script. */
    private static final class Job {
        int exitCode;
        String out;
        List<String> mpirunArgs;
        String mpirunCwd;

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- output\n" + out + "--- mpirun args " + mpirunArgs;
        }
    }

    private Path write(String... args) {
        Path file = dir.resolve("job.sh");
        List<String> a = new ArrayList<>(Arrays.asList(args));
        a.addAll(2, List.of("-o", file.toString()));
        JobScriptCommandTest.Run r = cohort(a.toArray(new String[0]));
        assertThat(r.exitCode).as(r.toString()).isZero();
        return file;
    }

    /** The scheduler's environment for a job of 2 ranks on localhost. */
    private Map<String, String> schedulerEnv(String scheduler) throws IOException {
        Map<String, String> env = new HashMap<>();
        switch (scheduler) {
            case "pbs":
                Path nodes = Files.writeString(dir.resolve("nodefile"), "localhost\nlocalhost\n");
                env.put("PBS_NODEFILE", nodes.toString());
                env.put("PBS_O_WORKDIR", work.toString());
                env.put("PBS_JOBID", "123.fake-server");
                break;
            case "slurm":
                env.put("SLURM_JOB_ID", "77");
                env.put("SLURM_JOB_NUM_NODES", "1");
                env.put("SLURM_NTASKS_PER_NODE", "2");
                break;
            case "sge":
                env.put("JOB_ID", "5");
                env.put("NSLOTS", "2");
                break;
            default:
                throw new AssertionError(scheduler);
        }
        return env;
    }

    /** Runs the script with bash from {@code startDir}, with PATH = the fake tools and the system's. */
    private Job run(Path script, Path startDir, Map<String, String> extraEnv) throws IOException, InterruptedException {
        Path argsFile = dir.resolve("mpirun.args");
        Path cwdFile = dir.resolve("mpirun.cwd");
        Files.deleteIfExists(argsFile);
        Files.deleteIfExists(cwdFile);
        Path log = dir.resolve("job.out");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).directory(startDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        for (String k : new ArrayList<>(env.keySet())) {
            if (k.startsWith("PBS_") || k.startsWith("SLURM_") || k.startsWith("OMPI_") || k.startsWith("PMI")
                    || k.equals("NSLOTS") || k.equals("CLASSPATH") || k.equals("COHORT") || k.equals("COHORT_TRANSPORT")) {
                env.remove(k);
            }
        }
        env.put("PATH", bin + File.pathSeparator + "/usr/bin" + File.pathSeparator + "/bin");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("FAKE_ARGS", argsFile.toString());
        env.put("FAKE_CWD", cwdFile.toString());
        env.putAll(extraEnv);
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("the job script did not finish within " + TIMEOUT_SECONDS + " s: " + Files.readString(log));
        }
        Job j = new Job();
        j.exitCode = p.exitValue();
        j.out = Files.readString(log, StandardCharsets.UTF_8);
        j.mpirunArgs = Files.exists(argsFile) ? nulSeparated(Files.readAllBytes(argsFile)) : null;
        j.mpirunCwd = Files.exists(cwdFile) ? Files.readString(cwdFile).trim() : null;
        return j;
    }

    private static List<String> nulSeparated(byte[] bytes) {
        List<String> words = new ArrayList<>(Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\0", -1)));
        words.remove(words.size() - 1);
        return words;
    }

    private static boolean root() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("id", "-u").start();
        String uid = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor(10, TimeUnit.SECONDS);
        return uid.equals("0");
    }

    private static String echoLine(List<String> args) {
        return "rank 0 of 1 main " + args + " session " + args;
    }

    @ParameterizedTest
    @ValueSource(strings = {"pbs", "slurm", "sge"})
    void theScriptRunsTheProgramOncePerRankWithItsArgumentsUnchanged(String scheduler) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("jobscript", scheduler, "--nodes", "1", "--ppn", "2", "--walltime", "00:02:00",
                "--jvm-opt", "-Dcohort.test=$(touch jvm-pwned) x", "-cp", LauncherProcess.testClasses().toString(), ECHO));
        cmd.addAll(ShellQuoteTest.NASTY);
        Path script = write(cmd.toArray(new String[0]));
        // PBS starts jobs elsewhere (the home directory) and the script goes to $PBS_O_WORKDIR itself
        Path start = scheduler.equals("pbs") ? Files.createDirectories(dir.resolve("home")) : work;
        Job job = run(script, start, schedulerEnv(scheduler));

        assertThat(job.exitCode).as(job.toString()).isZero();
        String expected = echoLine(ShellQuoteTest.NASTY);
        // one argument holds a line break, so compare the whole output rather than its lines
        assertThat(job.out).as(job.toString()).isEqualTo(expected + "\n" + expected + "\n");
        List<String> a = job.mpirunArgs;
        int javaAt = a.indexOf(System.getProperty("java.home") + "/bin/java");
        assertThat(javaAt).as(job.toString()).isPositive();
        List<String> launcher = a.subList(0, javaAt);
        List<String> expectedLauncher = new ArrayList<>();
        if (root()) expectedLauncher.add("--allow-run-as-root");
        expectedLauncher.addAll(List.of("-np", "2"));
        if (scheduler.equals("pbs")) expectedLauncher.addAll(List.of("-machinefile", dir.resolve("nodefile").toString()));
        assertThat(launcher).as(job.toString()).containsExactlyElementsOf(expectedLauncher);
        List<String> java = a.subList(javaAt + 1, a.size());
        // the class path first (Open MPI's mpirun rewrites the argument after the first one with "cp" in it)
        assertThat(java.get(0)).as(job.toString()).isEqualTo("-cp");
        assertThat(java.get(1)).startsWith(LauncherProcess.testClasses() + File.pathSeparator);
        java = java.subList(2, java.size());
        List<String> heap = rankJvmOptions();
        assertThat(java.subList(0, heap.size())).as(job.toString()).containsExactlyElementsOf(heap);
        java = java.subList(heap.size(), java.size());
        assertThat(java.subList(0, 2)).as(job.toString()).containsExactly("-Dcohort.test=$(touch jvm-pwned) x", ECHO);
        assertThat(java.subList(2, java.size())).containsExactlyElementsOf(ShellQuoteTest.NASTY);
        assertThat(job.mpirunCwd).isEqualTo(work.toString());
        for (Path d : List.of(work, dir, dir.resolve("home"))) {
            assertThat(d.resolve("pwned")).doesNotExist();
            assertThat(d.resolve("jvm-pwned")).doesNotExist();
        }
    }

    @Test
    void pbsDirectivesMatchTheOptionsAndTheNodeFileGivesTheRankCount() throws Exception {
        Path script = write("jobscript", "pbs", "--nodes", "2", "--ppn", "3", "--walltime", "01:00:00", "--queue", "short",
                "--account", "acct", "--name", "pbstest", "-cp", LauncherProcess.testClasses().toString(), ECHO, "x");
        assertThat(directives(Files.readString(script), "#PBS")).containsExactly("-N pbstest", "-l nodes=2:ppn=3",
                "-l walltime=01:00:00", "-q short", "-A acct", "-j oe", "-S /bin/bash");
        Map<String, String> env = schedulerEnv("pbs");
        // PBS lists every slot: here 3 lines (the count comes from the file, not from the directives)
        Files.writeString(Paths.get(env.get("PBS_NODEFILE")), "n1\nn1\nn2\n");
        Job job = run(script, dir, env);
        assertThat(job.exitCode).as(job.toString()).isZero();
        assertThat(job.mpirunArgs).containsSubsequence("-np", "3", "-machinefile", env.get("PBS_NODEFILE"));
        assertThat(job.out.lines().filter(l -> l.startsWith("rank "))).hasSize(3);
    }

    @Test
    void slurmPrefersSlurmNtasks() throws Exception {
        Path script = write("jobscript", "slurm", "--nodes", "1", "--ppn", "2", "--walltime", "00:01:00",
                "-cp", LauncherProcess.testClasses().toString(), ECHO);
        Map<String, String> env = schedulerEnv("slurm");
        env.put("SLURM_NTASKS", "3");
        Job job = run(script, work, env);
        assertThat(job.exitCode).as(job.toString()).isZero();
        assertThat(job.mpirunArgs).containsSubsequence("-np", "3");
    }

    @Test
    void slurmWithSrunStartsEveryTask() throws Exception {
        Path script = write("jobscript", "slurm", "--nodes", "1", "--ppn", "2", "--walltime", "00:01:00", "--launcher", "srun",
                "-cp", LauncherProcess.testClasses().toString(), ECHO, "a b");
        Map<String, String> env = schedulerEnv("slurm");
        env.put("SLURM_NTASKS", "2");
        Job job = run(script, work, env);
        assertThat(job.exitCode).as(job.toString()).isZero();
        assertThat(job.mpirunArgs.get(0)).isEqualTo(System.getProperty("java.home") + "/bin/java");
        assertThat(job.out.lines().filter(l -> l.startsWith("rank "))).containsExactly(echoLine(List.of("a b")), echoLine(List.of("a b")));
    }

    @Test
    void ranksGetAlignmentAndHugePagesWhereTheKernelGivesThemOnRequestAndFfmRanksNativeAccess() throws Exception {
        Path script = write("jobscript", "slurm", "--nodes", "1", "--ppn", "1", "--walltime", "00:01:00", "--transport", "ffm",
                "--jvm-opt", "-Dcohort.test=1", "-cp", LauncherProcess.testClasses().toString(), "dev.cohort.launch.testapps.PrintJvmArgs");
        Map<String, String> env = schedulerEnv("slurm");
        env.put("SLURM_NTASKS", "1");
        Job job = run(script, work, env);
        assertThat(job.exitCode).as(job.toString()).isZero();
        List<String> heap = rankJvmOptions();
        List<String> expected = new ArrayList<>(heap);
        expected.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-Dcohort.test=1", "-Dcohort.transport=ffm"));
        assertThat(jvmArgs(job)).as(job.toString()).containsExactlyElementsOf(expected);
        // openmpi hands heap arrays to MPI too (its native helper), but needs no native access
        Path openmpi = write("jobscript", "slurm", "--nodes", "1", "--ppn", "1", "--walltime", "00:01:00", "--transport", "openmpi",
                "-cp", LauncherProcess.testClasses().toString(), "dev.cohort.launch.testapps.PrintJvmArgs");
        Job other = run(openmpi, work, env);
        assertThat(other.exitCode).as(other.toString()).isZero();
        expected = new ArrayList<>(heap);
        expected.add("-Dcohort.transport=openmpi");
        assertThat(jvmArgs(other)).as(other.toString()).containsExactlyElementsOf(expected);
    }

    /** What the script adds for the heap on this machine: 32-byte alignment, huge pages where the kernel gives them on request. */
    private static List<String> rankJvmOptions() {
        return RankJvmOptions.forMpi(RankJvmOptions.thpModeHere());
    }

    private static List<String> jvmArgs(Job job) {
        return job.out.lines().filter(l -> l.startsWith("jvm-arg ")).map(l -> l.substring(8)).collect(Collectors.toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pbs", "slurm", "sge"})
    void outsideTheSchedulerTheScriptStopsWithAMessage(String scheduler) throws Exception {
        Path script = write("jobscript", scheduler, "--nodes", "1", "--ppn", "2", "--walltime", "00:01:00", ECHO);
        Job job = run(script, work, Map.of());
        assertThat(job.exitCode).isNotZero();
        assertThat(job.out).contains("is not set: submit this script with " + (scheduler.equals("slurm") ? "sbatch" : "qsub"));
        assertThat(job.mpirunArgs).isNull();
    }

    @Test
    void atRunTimeTheClassPathComesFromTheCohortCommand() throws Exception {
        Path fakeCohort = dir.resolve("fake cohort");
        String cp = LauncherProcess.runtimeClassPath() + File.pathSeparator + LauncherProcess.samples();
        executable(fakeCohort, "#!/bin/bash\n[ \"$1\" = classpath ] || exit 9\nprintf '%s\\n' " + ShellQuote.quote(cp) + "\n");
        Files.createDirectories(work.resolve("classes"));
        Path script = write("jobscript", "sge", "--nodes", "1", "--ppn", "2", "--walltime", "00:01:00", "--classpath-at-run-time",
                "-cp", "classes", "dev.cohort.samples.Hello");
        Map<String, String> env = schedulerEnv("sge");
        env.put("COHORT", fakeCohort.toString());
        Job job = run(script, work, env);
        assertThat(job.exitCode).as(job.toString()).isZero();
        assertThat(job.out.lines().filter(l -> l.startsWith("Hello, World! I am process 0 of 1 on "))).as(job.toString()).hasSize(2);
        assertThat(job.mpirunArgs).contains("classes" + File.pathSeparator + cp);
    }

    @Test
    void atRunTimeAMissingCohortCommandIsExplained() throws Exception {
        Path script = write("jobscript", "slurm", "--nodes", "1", "--ppn", "2", "--walltime", "00:01:00", "--classpath-at-run-time",
                "dev.cohort.samples.Hello");
        Job job = run(script, work, schedulerEnv("slurm"));
        assertThat(job.exitCode).isEqualTo(2);
        assertThat(job.out).contains("the cohort command (cohort) is not on PATH: add Cohort's bin/ to PATH or set COHORT");
        assertThat(job.mpirunArgs).isNull();
    }

    @Test
    void modulesAreLoadedBeforeTheRun() throws Exception {
        // a `module` command of our own records what was loaded
        executable(bin.resolve("module"), "#!/bin/bash\necho \"module $*\" >> \"$FAKE_CWD.modules\"\n");
        Path script = write("jobscript", "slurm", "--nodes", "1", "--ppn", "1", "--walltime", "00:01:00", "--module", "java/17",
                "--module", "openmpi", "-cp", LauncherProcess.testClasses().toString(), ECHO);
        Job job = run(script, work, schedulerEnv("slurm"));
        assertThat(job.exitCode).as(job.toString()).isZero();
        assertThat(Files.readAllLines(dir.resolve("mpirun.cwd.modules"))).containsExactly("module load java/17", "module load openmpi");
    }
}
