package dev.cohort.transport.openmpi;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The Open MPI transport under a real mpirun: the whole conformance suite on 2 and 4 ranks, the
 * samples, and how a job ends when a rank throws or is killed. Each job has a hard timeout after
 * which every process of it is killed by PID and the test fails saying it hung.
 */
class MpirunIntegrationTest {
    private static final Duration CONFORMANCE_TIMEOUT = Duration.ofSeconds(Long.getLong("cohort.it.timeoutSeconds", 900));

    @BeforeAll
    static void needsMpirun() {
        assumeThat(MpirunProcess.mpirun()).as("mpirun on PATH (apt-get install openmpi-bin)").isNotNull();
        assumeThat(new OpenMpiTransportProvider().unavailabilityCause()).as("the openmpi transport can be loaded").isNull();
    }

    private static MpirunProcess.Result run(int np, Duration timeout, String... mainAndArgs) throws Exception {
        return MpirunProcess.start(MpirunProcess.command(np, List.of(), mainAndArgs)).await(timeout);
    }

    private static void conformance(int np, String... jvmOptions) throws Exception {
        MpirunProcess.Result r = MpirunProcess.start(MpirunProcess.command(np, List.of(jvmOptions),
                "dev.cohort.conformance.ConformanceMain", "--timeout=120")).await(CONFORMANCE_TIMEOUT);
        assertThat(r.timedOut()).as("conformance on %d ranks hung: %s", np, r.describe()).isFalse();
        assertThat(r.exitCode()).as("conformance on %d ranks: %s", np, r.describe()).isZero();
        assertThat(r.output()).as(r.describe()).contains("(transport openmpi)").contains(" 0 failed");
        System.out.println("conformance on " + np + " ranks: " + summary(r.output()) + " in " + r.took().toSeconds() + " s");
    }

    private static String summary(String output) {
        Matcher m = Pattern.compile("(?m)^conformance: .*$").matcher(output);
        return m.find() ? m.group() : "(no summary)";
    }

    @Test
    void conformanceSuiteOnTwoRanks() throws Exception {
        conformance(2);
    }

    @Test
    void conformanceSuiteOnFourRanks() throws Exception {
        conformance(4);
    }

    /** The native helper, where bin/setup-native builds it; the tests that need it are skipped without it. */
    private static void assumeHelper() {
        File lib = Pinned.defaultLibrary();
        assumeThat(lib).as("Cohort's native helper (bin/setup-native builds it with mpicc)").isFile();
    }

    /** Every blocking collective on heap arrays through the native helper (no size threshold), on 3 ranks. */
    @Test
    void conformanceSuiteThroughTheNativeHelper() throws Exception {
        assumeHelper();
        conformance(3, "-Dcohort.openmpi.pinBytes=1");
    }

    /**
     * Long messages as head and chunks, as when some rank lacks the helper (with it they go by
     * rendezvous, which the runs above cover); the chunks still go straight into heap arrays.
     */
    @Test
    void conformanceSuiteWithLongMessagesInChunks() throws Exception {
        assumeHelper();
        conformance(2, "-Dcohort.openmpi.rendezvous=false");
    }

    /**
     * Runs a checking app on 3 ranks with one JVM option: it must end in time and cleanly, print
     * {@code expected}, and every rank must print "rank R: N {@code checked}" (the app throws on any
     * wrong element).
     */
    private static MpirunProcess.Result threeRanks(String app, List<String> options, String expected, String checked)
            throws Exception {
        MpirunProcess.Result r = MpirunProcess.start(MpirunProcess.command(3, options,
                "dev.cohort.transport.openmpi.apps." + app)).await(Duration.ofSeconds(240));
        assertThat(r.timedOut()).as("%s hung: %s", app, r.describe()).isFalse();
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.output()).as(r.describe()).contains(expected);
        for (int rank = 0; rank < 3; rank++) {
            assertThat(r.output()).as(r.describe()).containsPattern("rank " + rank + ": \\d+ " + checked);
        }
        return r;
    }

    private static MpirunProcess.Result longExchanges(boolean rendezvous, String... options) throws Exception {
        // a hang here is a deadlock: a rank waiting for its data that serves no one
        return threeRanks("LongExchanges", List.of(options), "rendezvous: " + rendezvous, "exchanges checked");
    }

    /**
     * With every distance but 0 between the two buffers sent from a realigned copy (the helper's
     * realign, normally only for distances 1 to 31), the exchanges still arrive whole, and some did go
     * that way: LongExchanges receives one send at two offsets one element apart, so at least one of
     * them lies at a distance other than 0.
     */
    @Test
    void longExchangesFromRealignedCopies() throws Exception {
        assumeHelper();
        MpirunProcess.Result r = longExchanges(true, "-Dcohort.openmpi.realignBelow=4096");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("realigned: (\\d+)").matcher(r.output());
        assertThat(m.find()).as(r.describe()).isTrue();
        assertThat(Long.parseLong(m.group(1))).as(r.describe()).isPositive();
    }

    /** Long messages by rendezvous in the patterns that need a waiting rank to serve others (all to all, rings, threads). */
    @Test
    void longExchangesByRendezvous() throws Exception {
        assumeHelper();
        longExchanges(true, "-Dcohort.openmpi.native=");
    }

    /** The same exchanges staged, in chunks, without the helper. */
    @Test
    void longExchangesStaged() throws Exception {
        longExchanges(false, "-Dcohort.openmpi.native=off");
    }

    /**
     * Below MPI_THREAD_MULTIPLE every MPI call is made under the rank's lock, also a blocking wait for
     * a chunk: the head and the chunks of a long message must start together, or two ranks sending
     * each other long messages wait for each other's lock (the progress thread of each waiting for
     * chunks the other's sending thread cannot start).
     */
    @ParameterizedTest
    @ValueSource(strings = {"single", "serialized"})
    void longExchangesStagedBelowThreadMultiple(String level) throws Exception {
        longExchanges(false, "-Dcohort.openmpi.threadLevel=" + level, "-Dcohort.openmpi.native=off");
    }

    @ParameterizedTest
    @ValueSource(strings = {"single", "serialized"})
    void longExchangesByRendezvousBelowThreadMultiple(String level) throws Exception {
        assumeHelper();
        longExchanges(true, "-Dcohort.openmpi.threadLevel=" + level, "-Dcohort.openmpi.native=");
    }

    private static void largeCollectives(String option, String status) throws Exception {
        threeRanks("LargeCollectives", List.of(option), "helper: " + status, "checks passed");
    }

    /** Large allreduce / scan / reduce / bcast on heap arrays, pinned by the native helper: results exact, nothing around them touched. */
    @Test
    void largeCollectivesOnHeapArraysThroughTheNativeHelper() throws Exception {
        assumeHelper();
        largeCollectives("-Dcohort.openmpi.native=", "loaded");
    }

    /** The same collectives with the helper turned off: staged through direct memory. */
    @Test
    void largeCollectivesOnHeapArraysStaged() throws Exception {
        largeCollectives("-Dcohort.openmpi.native=off", "off");
    }

    /**
     * The same collectives at MPI_THREAD_SINGLE, pinned and staged: there they are MPI's blocking calls
     * under the transport's lock, made once every rank has reached them (MpiCollRequest).
     */
    @ParameterizedTest
    @ValueSource(strings = {"loaded", "off"})
    void largeCollectivesAtThreadSingle(String helper) throws Exception {
        if (helper.equals("loaded")) assumeHelper();
        threeRanks("LargeCollectives", List.of("-Dcohort.openmpi.threadLevel=single",
                "-Dcohort.openmpi.native=" + (helper.equals("off") ? "off" : "")), "helper: " + helper, "checks passed");
    }

    /**
     * The paired latency tool (bench compare runs it at both levels): one result line, whose reference
     * names the thread level when it is SINGLE, with positive times and a ratio that is their quotient's
     * order of magnitude.
     */
    @ParameterizedTest
    @ValueSource(strings = {"multiple", "single"})
    void pairedLatencyPrintsAResultLineNamingItsThreadLevel(String level) throws Exception {
        MpirunProcess.Result r = MpirunProcess.start(MpirunProcess.command(2, List.of("-Dcohort.openmpi.threadLevel=" + level),
                "dev.cohort.transport.openmpi.PairedLatency", "8", "3", "300")).await(Duration.ofSeconds(120));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.output()).as(r.describe()).contains("thread_level=MPI_THREAD_" + level.toUpperCase(java.util.Locale.ROOT));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("cohort paired transport=openmpi bytes=8 reference=(\\S+) "
                + "cohort_us=([0-9.]+) reference_us=([0-9.]+) ratio=([0-9.]+) .* blocks=3").matcher(r.output());
        assertThat(m.find()).as(r.describe()).isTrue();
        assertThat(m.group(1)).isEqualTo(level.equals("single") ? "ompi-direct-single" : "ompi-direct");
        double cohort = Double.parseDouble(m.group(2)), reference = Double.parseDouble(m.group(3));
        assertThat(cohort).isPositive();
        assertThat(reference).isPositive();
        assertThat(Double.parseDouble(m.group(4))).isBetween(cohort / reference / 10, cohort / reference * 10);
    }

    @Test
    void helloSampleOnFourRanks() throws Exception {
        MpirunProcess.Result r = run(4, Duration.ofSeconds(120), "dev.cohort.samples.Hello");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        for (int rank = 0; rank < 4; rank++) {
            assertThat(r.output()).as(r.describe()).containsPattern("Hello, World! I am process " + rank + " of 4 on .+\\.");
        }
    }

    @Test
    void reportsVersionThreadLevelAndTagBound() throws Exception {
        MpirunProcess.Result r = run(2, Duration.ofSeconds(120), "dev.cohort.transport.openmpi.apps.ProviderInfo");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.output()).as(r.describe()).contains("rank 0 of 2 on openmpi: Open MPI v").contains("thread level MPI_THREAD_").contains(", native helper ");
        System.out.println(r.output().lines().filter(l -> l.startsWith("rank 0")).findFirst().orElse(""));
    }

    /** The levels users may ask for instead of MULTIPLE (README): every MPI call under the lock, collectives polled. */
    @ParameterizedTest
    @ValueSource(strings = {"single", "funneled", "serialized"})
    void conformanceSuiteBelowThreadMultiple(String level) throws Exception {
        conformance(2, "-Dcohort.openmpi.threadLevel=" + level);
    }

    @Test
    void asksForTheThreadLevelGivenAndRefusesAnUnknownOne() throws Exception {
        MpirunProcess.Result r = MpirunProcess.start(MpirunProcess.command(2, List.of("-Dcohort.openmpi.threadLevel=Funneled"),
                "dev.cohort.transport.openmpi.apps.ProviderInfo")).await(Duration.ofSeconds(120));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.output()).as(r.describe()).contains("thread level MPI_THREAD_FUNNELED");
        MpirunProcess.Result bad = MpirunProcess.start(MpirunProcess.command(2, List.of("-Dcohort.openmpi.threadLevel=singel"),
                "dev.cohort.transport.openmpi.apps.ProviderInfo")).await(Duration.ofSeconds(120));
        assertThat(bad.timedOut()).as(bad.describe()).isFalse();
        assertThat(bad.exitCode()).as(bad.describe()).isNotZero();
        assertThat(bad.output()).as(bad.describe())
                .contains("-Dcohort.openmpi.threadLevel=singel: expected single, funneled, serialized or multiple");
    }

    /** Without Cohort's RankMain the exception ends its rank, and mpirun then ends the job (non-zero). */
    @Test
    void uncaughtExceptionInPlainMainEndsTheJob() throws Exception {
        MpirunProcess.Result r = run(2, Duration.ofSeconds(60), "dev.cohort.transport.openmpi.apps.ThrowOnRankOne");
        assertThat(r.timedOut()).as(r.describe()).isFalse();
        assertThat(r.exitCode()).as(r.describe()).isNotZero();
        assertThat(r.output()).as(r.describe()).contains("boom on rank one");
    }

    /** A rank killed by a signal ends the job within 10 s with a non-zero status (mpirun does it). */
    @Test
    void rankKilledBySignalEndsTheJobWithinTenSeconds() throws Exception {
        MpirunProcess job = MpirunProcess.start(MpirunProcess.command(2, List.of(), "dev.cohort.transport.openmpi.apps.KillMe"));
        long pid = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Pattern p = Pattern.compile("(?m)^pid 1 (\\d+)$");
        while (pid < 0 && System.nanoTime() < deadline && job.process().isAlive()) {
            Matcher m = p.matcher(job.output());
            if (m.find()) pid = Long.parseLong(m.group(1));
            else Thread.sleep(100);
        }
        if (pid < 0) {
            MpirunProcess.Result r = job.await(Duration.ZERO);
            throw new AssertionError("rank 1 never printed its pid: " + r.describe());
        }
        long killed = System.nanoTime();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        MpirunProcess.Result r = job.await(Duration.ofSeconds(30));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertThat(r.timedOut()).as(r.describe()).isFalse();
        assertThat(r.exitCode()).as(r.describe()).isNotZero();
        assertThat(took).as("ms from the kill to the end of the job").isLessThan(10_000);
    }
}
