package dev.cohort.launch;

import dev.cohort.launch.LauncherProcess.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cohort jobscript --submit} in a JVM of its own, with fake qsub / sbatch on PATH. */
class JobSubmitTest {
    @TempDir
    Path dir;
    Path bin;
    Path work;

    @BeforeEach
    void dirs() throws IOException {
        bin = Files.createDirectories(dir.resolve("bin"));
        work = Files.createDirectories(dir.resolve("work"));
    }

    // PATH is only the fake tools: a real sbatch or qsub of this machine must not be found.

    /** A submit command that records its arguments and working directory, prints {@code said} and exits with {@code code}. */
    private void fake(String tool, String said, int code) throws IOException {
        Path f = bin.resolve(tool);
        Files.writeString(f, "#!/bin/bash\nprintf '%s\\n' \"$@\" > " + ShellQuote.quote(dir.resolve(tool + ".args").toString())
                + "\npwd >> " + ShellQuote.quote(dir.resolve(tool + ".args").toString())
                + "\nprintf '%s\\n' " + ShellQuote.quote(said) + (code != 0 ? " >&2" : "") + "\nexit " + code + "\n");
        assertThat(f.toFile().setExecutable(true)).isTrue();
    }

    private Result submit(String scheduler, String... more) {
        String[] args = Stream.concat(Stream.of("jobscript", scheduler, "--nodes", "1", "--ppn", "2", "--walltime", "00:05:00",
                "--submit"), Stream.of(more)).toArray(String[]::new);
        return LauncherProcess.cohortIn(work, Map.of("PATH", bin.toString()), args);
    }

    @ParameterizedTest
    @CsvSource({
            "slurm, sbatch, '4242;cluster', 4242, --parsable",
            "pbs, qsub, 123.pbs-server, 123.pbs-server, ",
            "sge, qsub, 77, 77, -terse"})
    void submitsTheWrittenScriptAndPrintsTheJobId(String scheduler, String tool, String said, String id, String flag)
            throws IOException {
        fake(tool, said, 0);
        Result r = submit(scheduler, "dev.cohort.samples.Hello", "a b");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).isEqualTo(id + System.lineSeparator());
        Path script = work.resolve("Hello." + scheduler);
        assertThat(r.err).isEqualTo("cohort jobscript: wrote Hello." + scheduler + " and submitted it with " + tool + ": job " + id
                + System.lineSeparator());
        assertThat(script).isExecutable();
        assertThat(Files.readString(script)).contains("dev.cohort.samples.Hello 'a b'");
        List<String> recorded = Files.readAllLines(dir.resolve(tool + ".args"));
        if (flag == null) assertThat(recorded).containsExactly(script.toString(), work.toString());
        else assertThat(recorded).containsExactly(flag, script.toString(), work.toString());
    }

    @Test
    void withOutputTheScriptGoesThere() throws IOException {
        fake("sbatch", "5", 0);
        Result r = submit("slurm", "-o", "jobs.slurm", "dev.cohort.samples.Hello");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out.trim()).isEqualTo("5");
        assertThat(work.resolve("jobs.slurm")).exists();
    }

    @Test
    void aMissingSubmitCommandIsExitTwoAndWritesNothing() throws IOException {
        Result r = submit("slurm", "dev.cohort.samples.Hello");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.err).isEqualTo("cohort jobscript slurm: --submit needs sbatch, which is not on PATH (is this a Slurm login node?);"
                + " write the script with -o FILE and submit it where sbatch is" + System.lineSeparator());
        assertThat(r.out).isEmpty();
        try (Stream<Path> files = Files.list(work)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aFailingSubmitCommandIsExitOneAndKeepsTheScript() throws IOException {
        fake("qsub", "qsub: Unknown queue", 1);
        Result r = submit("pbs", "--queue", "nosuch", "dev.cohort.samples.Hello");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(r.err).startsWith("cohort jobscript: ").contains("qsub", "failed (exit 1): qsub: Unknown queue; the script is in Hello.pbs");
        assertThat(r.out).isEmpty();
        assertThat(work.resolve("Hello.pbs")).exists();
    }
}
