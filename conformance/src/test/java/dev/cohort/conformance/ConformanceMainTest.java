package dev.cohort.conformance;

import dev.cohort.CohortException;
import dev.cohort.testing.RankHarness;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The sequential runner that process-launched transports use: failures are reported per rank and
 * agreed on, leftovers of a failed case are dropped so later cases are unaffected, cases needing
 * more ranks are skipped, a rank left waiting past the timeout ends the run; and the real suite
 * runs case after case on one world.
 */
class ConformanceMainTest {
    private static final Duration HARD = Duration.ofSeconds(60);

    private static PrintStream capture(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    @Test
    void failuresAreReportedByTheRanksThatFailedAndAgreedOnByAll() {
        List<ConformanceCase> cases = List.of(
                new ConformanceCase("test", "passes", 1, w -> w.sendrecvObject(w.rank(), (w.rank() + 1) % w.size(), 1,
                        (w.rank() + w.size() - 1) % w.size(), 1)),
                new ConformanceCase("test", "failsOnRank1AndLeavesAMessage", 1, w -> {
                    if (w.rank() == 0) w.send(new double[3], 1, 2);
                    if (w.rank() == 1) throw new AssertionError("rank 1 disagrees\nacross lines");
                }),
                new ConformanceCase("test", "afterTheFailureStillClean", 1, w -> {
                    int[] in = new int[1];
                    if (w.rank() == 0) w.send(new int[]{7}, 1, 2);
                    if (w.rank() == 1) {
                        w.recv(in, 0, 2);
                        assertThat(in).containsExactly(7);
                    }
                }),
                new ConformanceCase("test", "needsMoreRanks", 99, w -> {
                    throw new AssertionError("must not run");
                }));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = capture(bytes);   // one stream for all ranks: println is atomic
        List<ConformanceMain.Result> results = RankHarness.call(3, HARD, Conformance.options(),
                w -> ConformanceMain.runCases(w, cases, Duration.ofSeconds(20), false, out));
        for (ConformanceMain.Result r : results) {
            assertThat(r.passed()).containsExactly("test/passes", "test/afterTheFailureStillClean");
            assertThat(r.failed()).containsExactly("test/failsOnRank1AndLeavesAMessage (ranks [1])");
            assertThat(r.skipped()).containsExactly("test/needsMoreRanks");
            assertThat(r.ok()).isFalse();
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        assertThat(lines).contains("FAIL test/failsOnRank1AndLeavesAMessage on rank 1 of 3: AssertionError: rank 1 disagrees | across lines");
        assertThat(lines).filteredOn(l -> l.startsWith("FAIL")).hasSize(1);
        assertThat(lines).contains("NOTE rank 1 dropped 1 messages left over by test/failsOnRank1AndLeavesAMessage");
        assertThat(lines).filteredOn(l -> l.startsWith("conformance:")).containsExactly(
                "conformance: 4 cases on 3 ranks (transport local): 2 passed, 1 failed, 1 skipped");
    }

    @Test
    void aRankLeftWaitingPastTheTimeoutEndsTheRun() {
        List<ConformanceCase> cases = List.of(new ConformanceCase("test", "rank1NeverArrives", 1, w -> {
            if (w.rank() != 1) return;
            // past the 1 s timeout even though the job's abort interrupts it when rank 0 gives up
            long until = System.nanoTime() + 2_500_000_000L;
            while (System.nanoTime() - until < 0) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    // keep sleeping: the watchdog must find the case still running
                }
            }
        }));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = capture(bytes);
        Throwable t = catchThrowable(() -> RankHarness.call(2, HARD, Conformance.options(),
                w -> ConformanceMain.runCases(w, cases, Duration.ofSeconds(1), false, out)));
        assertThat(t).isInstanceOf(CohortException.class);
        assertThat(t.getCause()).isInstanceOf(Agreement.Timeout.class)
                .hasMessageContaining("ranks [1] did not finish test/rank1NeverArrives within 1 s");
        // the rank still in the case says where it waits: its own thread's stack comes first
        String report = bytes.toString(StandardCharsets.UTF_8);
        assertThat(report).contains("HUNG test/rank1NeverArrives on rank 1 of 2: still running after 1 s; threads of this process:");
        String afterHung = report.substring(report.indexOf("HUNG test/rank1NeverArrives on rank 1"));
        assertThat(afterHung.lines().skip(2).findFirst().orElse("")).contains("Thread.sleep");
        assertThat(report).doesNotContain("HUNG test/rank1NeverArrives on rank 0");
    }

    @Test
    void argumentsSelectListAndRefuse() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Integer> codes = RankHarness.call(2, HARD, Conformance.options(), w -> {
            PrintStream out = w.rank() == 0 ? capture(bytes) : capture(new ByteArrayOutputStream());
            int list = ConformanceMain.run(w, new String[]{"--list", "errors", "sendRecvInt"}, out);
            int bad = ConformanceMain.run(w, new String[]{"noSuchCase"}, out);
            int badOption = ConformanceMain.run(w, new String[]{"--frobnicate"}, out);
            int some = ConformanceMain.run(w, new String[]{"--timeout=30", "pointToPoint/procNull", "objectProcNull"}, out);
            return list * 1000 + bad * 100 + badOption * 10 + some;
        });
        assertThat(codes).containsOnly(220);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("pointToPoint/sendRecvInt", "errors/rankErrors")
                .doesNotContain("nonblocking/")
                .contains("no conformance case or section named 'noSuchCase'", "unknown option: --frobnicate")
                .contains("conformance: 2 cases on 2 ranks (transport local): 2 passed, 0 failed, 0 skipped");
    }

    @Test
    void selectTakesSectionsCasesAndQualifiedNamesInRunningOrder() {
        List<String> names = Conformance.select(List.of("errors/tagErrors", "procNull", "objects"))
                .stream().map(ConformanceCase::qualifiedName).collect(Collectors.toList());
        assertThat(names).startsWith("pointToPoint/procNull").endsWith("errors/tagErrors")
                .contains("objects/objectsStrings").hasSize(2 + Conformance.objects().size());
        assertThat(Conformance.select(List.of())).extracting(ConformanceCase::qualifiedName)
                .isEqualTo(Conformance.all().stream().map(ConformanceCase::qualifiedName).collect(Collectors.toList()));
        assertThat(Conformance.all()).extracting(ConformanceCase::name).doesNotHaveDuplicates();
    }

    /**
     * The whole suite, case after case on one world of 4 ranks: what a process-launched transport
     * does. A failure here that the per-case runs do not show means cases disturb each other.
     */
    @Test
    void theWholeSuiteRunsCaseAfterCaseOnOneWorld() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = capture(bytes);
        List<ConformanceMain.Result> results = RankHarness.call(4, Duration.ofSeconds(240), Conformance.options(),
                w -> ConformanceMain.runCases(w, Conformance.all(), Duration.ofSeconds(30), false, out));
        String report = bytes.toString(StandardCharsets.UTF_8);
        long runnable = Conformance.all().stream().filter(c -> c.supports(4)).count();
        assertThat(results.get(0).passed().size() + results.get(0).failed().size()).isEqualTo((int) runnable);
        assertThat(results.get(0).failed()).as("cases that failed in the sequential run:\n%s", report).isEmpty();
    }
}
