package dev.cohort.launch;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job scripts in samples/jobs are the command's own output: each names, in its header, the command
 * that wrote it, and running that command again gives the same file. Regenerate one after changing
 * the generator with the command in its header plus {@code -o samples/jobs/NAME} (see samples/jobs/README.md).
 */
class SampleJobScriptsTest {
    private static final String HEADER = "#   cohort jobscript ";

    /** samples/jobs, from the launchers module's directory (Maven's working directory for tests). */
    private static Path samplesDir() {
        Path dir = Path.of(System.getProperty("user.dir")).resolve("../samples/jobs").normalize();
        assertThat(dir).as("samples/jobs next to the launchers module").isDirectory();
        return dir;
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello.pbs", "hello.slurm"})
    void regeneratingGivesTheSameFile(String name) throws IOException {
        Path sample = samplesDir().resolve(name);
        String text = Files.readString(sample);
        Optional<String> header = text.lines().filter(l -> l.startsWith(HEADER)).findFirst();
        assertThat(header).as("the command line in the header of " + sample).isPresent();
        String command = header.get().substring("#   cohort ".length());
        assertThat(command).as("a sample's command has only plain words").doesNotContain("'", "\"", "\\");
        List<String> args = Arrays.asList(command.split(" "));

        JobScriptCommandTest.Run r = JobScriptCommandTest.cohort(args.toArray(new String[0]));
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out.toString()).as("cohort " + command + " (regenerate " + sample + " with it and -o)").isEqualTo(text);
        assertThat(Files.isExecutable(sample)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello.pbs", "hello.slurm"})
    void samplesHoldNoPathOfTheMachineTheyWereWrittenOn(String name) throws IOException {
        String text = Files.readString(samplesDir().resolve(name));
        assertThat(text).contains("--classpath-at-run-time", "CP=$(\"$COHORT\" classpath)")
                .doesNotContain(System.getProperty("user.dir"), System.getProperty("user.home") + "/", System.getProperty("java.home"));
    }
}
