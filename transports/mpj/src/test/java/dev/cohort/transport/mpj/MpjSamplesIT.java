package dev.cohort.transport.mpj;

import dev.cohort.testing.RankHarness;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every sample under MPJ Express's multicore device prints what it prints on the local transport
 * with the same number of ranks (lines compared in any order: ranks print concurrently).
 */
class MpjSamplesIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    static Stream<Arguments> samples() {
        List<Arguments> out = new ArrayList<>();
        for (String s : new String[]{"Hello", "PointToPoint", "NonBlocking", "Broadcast", "Scatter", "Pi"}) {
            for (int np : new int[]{2, 4}) out.add(Arguments.of(s, np));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} on {1} ranks")
    @MethodSource("samples")
    void printsWhatTheLocalTransportPrints(String sample, int np, @TempDir Path dir) throws Exception {
        Path home = MpjJob.home();
        assumeTrue(home != null, "no MPJ_HOME with lib/starter.jar (set MPJ_HOME or -Dcohort.mpj.home)");
        String mainClass = "dev.cohort.samples." + sample;
        List<String> expected = local(np, mainClass);
        MpjJob.Result r = MpjJob.run(home, dir, np, TIMEOUT, mainClass);
        assertThat(r.allDone(np)).as("every rank returned from main (done %s); output:%n%s", r.done(), r.output()).isTrue();
        assertThat(r.lines()).as("output of %s on %d MPJ ranks", sample, np).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** The sample's output on np thread ranks of the local transport. */
    private static List<String> local(int np, String mainClass) throws Exception {
        Method main = Class.forName(mainClass).getMethod("main", String[].class);
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        synchronized (MpjSamplesIT.class) {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            try {
                RankHarness.run(np, Duration.ofSeconds(30), world -> main.invoke(null, (Object) new String[0]));
            } finally {
                System.setOut(original);
            }
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(text.split("\\R")));
    }
}
