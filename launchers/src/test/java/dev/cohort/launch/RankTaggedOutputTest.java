package dev.cohort.launch;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RankTaggedOutputTest {
    @Test
    void linesOfConcurrentRanksStayWholeAndTagged() throws InterruptedException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        RankTaggedOutput tagged = new RankTaggedOutput(new PrintStream(sink, true, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(tagged, false, StandardCharsets.UTF_8);
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            final int rank = r;
            threads.add(new Thread(() -> {
                RankContext.set(rank);
                for (int i = 0; i < 200; i++) {
                    out.print("rank ");
                    out.print(rank);
                    out.print(" line ");
                    out.println(i);
                }
                out.print("tail " + rank);
            }));
        }
        for (Thread t : threads) t.start();
        for (Thread t : threads) t.join();
        out.flush();
        tagged.flushOpenLines();

        List<String> lines = sink.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(4 * 201);
        for (String line : lines) {
            assertThat(line).matches("\\[(\\d)] (rank \\1 line \\d+|tail \\1)");
        }
    }

    @Test
    void threadsOutsideRanksAreNotTagged() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        RankTaggedOutput tagged = new RankTaggedOutput(new PrintStream(sink, true, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(tagged, false, StandardCharsets.UTF_8);
        out.println("launcher line");
        assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("launcher line" + System.lineSeparator());
    }
}
