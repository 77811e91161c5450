package dev.cohort.benchmarks.compare;

import dev.cohort.benchmarks.compare.SystemResult.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kv parsing, and the table, report and plots from synthetic figures; nothing is timed. */
class CompareReportTest {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void parsesAnchorStyleLines() {
        KvLine c = KvLine.parse("c pingpong bytes=8 half_rtt_us=0.129 MBps=62.2", "c");
        assertNotNull(c);
        assertEquals("c", c.system());
        assertEquals("pingpong", c.kind());
        assertNull(c.label());
        assertEquals(8, c.number("bytes"));
        assertEquals(0.129, c.number("half_rtt_us"));
        assertEquals(62.2, c.number("MBps"));
        assertTrue(Double.isNaN(c.number("nope")));
    }

    @Test
    void parsesCohortLinesWithALabelAndARankTagInFront() {
        KvLine o = KvLine.parse("[0] cohort objlatency small-dict encoded_bytes=38 half_rtt_us=3.21 iters=5000 transport=local np=2", "cohort");
        assertNotNull(o);
        assertEquals("objlatency", o.kind());
        assertEquals("small-dict", o.label());
        assertEquals(3.21, o.number("half_rtt_us"));
        assertEquals("local", o.get("transport"));
        assertEquals(List.of("encoded_bytes", "half_rtt_us", "iters", "transport", "np"), List.copyOf(o.fields().keySet()));
    }

    @Test
    void rejectsLinesThatAreNotResults() {
        assertNull(KvLine.parse("# OSU MPI Latency Test", "cohort"));
        assertNull(KvLine.parse("cohort: building Cohort first", "cohort"));
        assertNull(KvLine.parse("cohort latency", "cohort"));
        assertNull(KvLine.parse("cohort latency bytes=8 trailing", "cohort"));
        assertNull(KvLine.parse("mpjcohort latency bytes=8", "cohort"));
        assertNull(KvLine.parse("c pingpong bytes=8", "mpj"));
        assertNull(KvLine.parse(null, "c"));
        // a word that merely ends in the system name is not the system
        assertNull(KvLine.parse("abc pingpong bytes=8 half_rtt_us=1", "c"));
    }

    @Test
    void systemResultTakesEveryKindOfLine() {
        SystemResult s = new SystemResult("cohort-local", "Cohort local", true);
        s.accept(KvLine.parse("cohort latency bytes=8 half_rtt_us=0.5 MBps=16.0 iters=10 transport=local np=2", "cohort"));
        s.accept(KvLine.parse("cohort latency bytes=1048576 half_rtt_us=100 MBps=10485.8 iters=10 transport=local np=2", "cohort"));
        s.accept(KvLine.parse("cohort objlatency list10k encoded_bytes=80000 half_rtt_us=300 iters=5 transport=local np=2", "cohort"));
        s.accept(KvLine.parse("cohort objlatency small-dict encoded_bytes=38 half_rtt_us=3.0 iters=5 transport=local np=2", "cohort"));
        s.accept(KvLine.parse("cohort allreduce bytes=8192 avg_us=9.5 min_us=9 max_us=10 iters=5 type=double transport=local np=2", "cohort"));
        SystemResult c = new SystemResult("c", "C", false);
        s.accept(KvLine.parse("cohort bw bytes=8 MBps=1 window=64 iters=20 transport=local np=2", "cohort")); // ignored
        c.accept(KvLine.parse("c allreduce doubles=1024 us=5.0", "c"));
        assertEquals(0.5, s.value(Metric.LATENCY_8B));
        assertEquals(10485.76, s.value(Metric.BW_1MIB), 1e-9); // from the time, not the rounded MBps
        assertNull(s.value(Metric.BW_4MIB));
        assertEquals(3.0, s.value(Metric.OBJECT));
        assertEquals(9.5, s.value(Metric.ALLREDUCE_1K));
        assertEquals(5.0, c.value(Metric.ALLREDUCE_1K));
        assertNull(s.missingReason());
        assertEquals(1.9, CompareReport.ratio(Metric.ALLREDUCE_1K, s.value(Metric.ALLREDUCE_1K), c.value(Metric.ALLREDUCE_1K)), 1e-9);
        // bandwidth ratios read as time ratios too: half the peer's bandwidth is 2
        assertEquals(2.0, CompareReport.ratio(Metric.BW_1MIB, 500.0, 1000.0), 1e-9);
        assertNull(CompareReport.ratio(Metric.BW_1MIB, null, 1000.0));
    }

    private static List<SystemResult> synthetic() {
        SystemResult c = new SystemResult("c", "C, Open MPI", false);
        SystemResult mpj = new SystemResult("mpj", "MPJ Express multicore", false);
        SystemResult py = new SystemResult("mpi4py", "mpi4py", false);
        SystemResult local = new SystemResult("cohort-local", "Cohort local", true);
        SystemResult ffm = new SystemResult("cohort-ffm", "Cohort ffm", true);
        py.missing("mpi4py is not installed");
        ffm.missing("no provider on the class path");
        c.notApplicable(Metric.OBJECT, "no objects in C");
        for (long b = 1; b <= 4 << 20; b *= 2) {
            double cUs = 0.2 + b / 9000.0;
            c.accept(KvLine.parse("c pingpong bytes=" + b + " half_rtt_us=" + cUs + " MBps=" + b / cUs, "c"));
            double mUs = 20 + b / 3000.0;
            mpj.accept(KvLine.parse("mpj pingpong bytes=" + b + " half_rtt_us=" + mUs + " MBps=" + b / mUs, "mpj"));
            double lUs = 0.4 + b / 20000.0;
            local.accept(KvLine.parse("cohort latency bytes=" + b + " half_rtt_us=" + lUs + " MBps=" + b / lUs
                    + " iters=1 transport=local np=2", "cohort"));
        }
        c.accept(KvLine.parse("c allreduce doubles=1 us=0.5", "c"));
        mpj.accept(KvLine.parse("mpj objlatency small-dict half_rtt_us=85", "mpj"));
        local.accept(KvLine.parse("cohort objlatency small-dict encoded_bytes=38 half_rtt_us=4.25 transport=local np=2", "cohort"));
        local.accept(KvLine.parse("cohort allreduce bytes=8 avg_us=1.0 min_us=1 max_us=1 transport=local np=2", "cohort"));
        return List.of(c, mpj, py, local, ffm);
    }

    @Test
    void compareRejectsUnknownOptionsBeforeRunningAnything(@TempDir Path dir) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream o = new java.io.PrintStream(out, true, StandardCharsets.UTF_8);
        java.io.PrintStream e = new java.io.PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, Compare.run(new String[]{"--out", dir.toString(), "--bogus"}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option '--bogus'"));
        assertEquals(2, Compare.run(new String[]{"--timeout", "0"}, o, e));
        assertEquals(2, Compare.run(new String[]{"--out"}, o, e));
        assertEquals(0, Compare.run(new String[]{"--help"}, o, e));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Usage: BenchMain compare [--quick]"));
        assertTrue(dir.toFile().list().length == 0, "nothing was written");
    }

    @Test
    void roundsRunGroupByGroupAndAlternateTheOrderWithinEachGroup() {
        Compare.Job cPing = job("pingpong", "c");
        Compare.Job cReduce = job("allreduce", "c");
        Compare.Job ffmPing = job("pingpong", "cohort-ffm");
        Compare.Job ffmObj = job("objects", "cohort-ffm");
        Compare.Job ffmReduce = job("allreduce", "cohort-ffm");
        Compare.Job ffmPaired = job("paired", "cohort-ffm");
        Compare.Job ompiPaired = job("paired", "cohort-openmpi");
        List<Compare.Job> listed = List.of(ffmPaired, cPing, cReduce, ffmPing, ompiPaired, ffmObj, ffmReduce);
        assertEquals(List.of(cPing, ffmPing, ffmObj, cReduce, ffmReduce, ffmPaired, ompiPaired), Compare.schedule(listed, 1));
        assertEquals(List.of(ffmPing, cPing, ffmObj, ffmReduce, cReduce, ompiPaired, ffmPaired), Compare.schedule(listed, 2));
        assertEquals(Compare.schedule(listed, 1), Compare.schedule(listed, 3));
    }

    private static Compare.Job job(String group, String system) {
        return new Compare.Job(group, List.of(system), List.of("true"), null, java.util.Map.of(), system.startsWith("cohort"));
    }

    @Test
    void onlyTakesSystemIdsAndTheirFamilies() {
        assertEquals(List.of("c", "ompi", "cohort-ffm"), Compare.selection("c, ompi,cohort-ffm"));
        assertEquals(List.of("cohort"), Compare.selection("cohort"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Compare.selection("c,fortran"));
        assertTrue(e.getMessage().contains("unknown system 'fortran'"), e.getMessage());
        // "coh" is not a family: only whole words before a '-' select several systems
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Compare.selection("coh"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Compare.selection(" , "));
    }

    @Test
    void compareRejectsBadRoundsAndSelectionsBeforeRunningAnything(@TempDir Path dir) {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream o = new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        java.io.PrintStream e = new java.io.PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, Compare.run(new String[]{"--out", dir.toString(), "--rounds", "0"}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--rounds must be at least 1"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, Compare.run(new String[]{"--out", dir.toString(), "--rounds", "two"}, o, e));
        assertEquals(2, Compare.run(new String[]{"--out", dir.toString(), "--only", "java"}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown system 'java'"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, Compare.run(new String[]{"--out", dir.toString(), "--mpi", "intel"}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--mpi must be openmpi or mpich, not 'intel'"), err.toString(StandardCharsets.UTF_8));
        assertTrue(dir.toFile().list().length == 0, "nothing was written");
    }

    /** A round in which C's 8 B ping-pong took {@code cUs} and Cohort local's {@code cohortUs}. */
    private static List<SystemResult> round(double cUs, double cohortUs, boolean cohortRan) {
        SystemResult c = new SystemResult("c", "C, Open MPI", false);
        SystemResult local = new SystemResult("cohort-local", "Cohort local", true);
        c.accept(KvLine.parse("c pingpong bytes=8 half_rtt_us=" + cUs + " MBps=1", "c"));
        if (cohortRan) {
            local.accept(KvLine.parse("cohort latency bytes=8 half_rtt_us=" + cohortUs + " MBps=1 transport=local np=2", "cohort"));
        } else {
            local.problem("exit code 1");
        }
        return List.of(c, local);
    }

    @Test
    void severalRoundsGiveMedianFiguresAndTheMedianOfRoundByRoundRatios() {
        // the machine is fast, then slow, then fast: round by round Cohort is 1.2x, 1.5x, 1.1x C
        List<List<SystemResult>> rounds = List.of(round(0.2, 0.24, true), round(1.0, 1.5, true), round(0.3, 0.33, true),
                round(0.25, 0, false));
        SystemResult cMedian = SystemResult.ofRounds(List.of(rounds.get(0).get(0), rounds.get(1).get(0), rounds.get(2).get(0),
                rounds.get(3).get(0)));
        assertEquals(0.275, cMedian.value(Metric.LATENCY_8B), 1e-12); // four rounds: the mean of the middle two
        SystemResult localMedian = SystemResult.ofRounds(List.of(rounds.get(0).get(1), rounds.get(1).get(1), rounds.get(2).get(1),
                rounds.get(3).get(1)));
        assertEquals(0.33, localMedian.value(Metric.LATENCY_8B), 1e-12); // the round without a figure does not count
        assertNull(localMedian.missingReason());
        assertTrue(localMedian.problems().contains("round 4: nothing measured: exit code 1"), localMedian.problems().toString());

        CompareReport report = CompareReport.ofRounds(rounds, List.of("synthetic"));
        List<Double> q = report.roundRatios(Metric.LATENCY_8B, "cohort-local", "c");
        assertEquals(3, q.size());
        assertEquals(1.2, q.get(0), 1e-9);
        assertEquals(1.5, q.get(1), 1e-9);
        assertEquals(1.1, q.get(2), 1e-9);
        String row = report.table().lines().filter(l -> l.startsWith("Cohort local / C ")).findFirst().orElseThrow();
        // the median of the rounds' ratios (1.2), not the ratio of the medians (0.33 / 0.275)
        assertTrue(row.contains("1.20 (1.10-1.50)"), row);
        String md = report.markdown();
        assertTrue(md.contains("### Round by round"), md);
        assertTrue(md.contains("| Cohort local / C, round 2 | 1.50 |"), md);

        List<List<SystemResult>> mismatched = List.of(round(0.2, 0.24, true), List.of(rounds.get(0).get(0)));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> CompareReport.ofRounds(mismatched, List.of()));
    }

    /** A round of Cohort ffm with one paired line: Cohort at {@code cohortUs}, the bare calls at {@code bareUs}. */
    private static List<SystemResult> pairedRound(double cohortUs, double bareUs, double ratio) {
        SystemResult ffm = new SystemResult("cohort-ffm", "Cohort ffm", true);
        ffm.accept(KvLine.parse("[0] " + dev.cohort.testing.PairedTiming.resultLine("ffm", 8, "mpi-calls",
                new double[]{cohortUs}, new double[]{bareUs, bareUs}).replaceFirst("ratio=[0-9.]+", "ratio=" + ratio), "cohort"));
        return List.of(ffm);
    }

    @Test
    void pairedLinesGiveTheirOwnTableWithTheMedianOfTheRoundsRatios() {
        List<SystemResult> one = pairedRound(0.26, 0.2, 1.3);
        SystemResult.Paired p = one.get(0).paired().get(0);
        assertEquals(new SystemResult.Paired("mpi-calls", 8, 0.26, 0.2, 1.3), p);
        assertNull(one.get(0).missingReason()); // a paired line alone is a measurement
        assertNull(one.get(0).value(Metric.LATENCY_8B)); // and not the ping-pong column's

        // the per-block ratios' medians are 1.3, 1.1, 1.2 round by round: the report gives their median and range
        CompareReport report = CompareReport.ofRounds(List.of(one, pairedRound(0.5, 0.45, 1.1), pairedRound(0.3, 0.25, 1.2)),
                List.of("synthetic"));
        String row = report.table().lines().filter(l -> l.startsWith("Cohort ffm / bare MPI_Send/MPI_Recv downcalls"))
                .findFirst().orElseThrow(() -> new AssertionError(report.table()));
        assertTrue(row.matches(".*\\b8\\s+0\\.300\\s+0\\.250\\s+1\\.20 \\(1\\.10-1\\.30\\)$"), row);
        String md = report.markdown();
        assertTrue(md.contains("## Paired in the same processes"), md);
        assertTrue(md.contains("| Cohort ffm / bare MPI_Send/MPI_Recv downcalls | 8 | 0.300 | 0.250 | 1.20 (1.10-1.30) |"), md);

        // a system without paired lines has no such table
        assertTrue(!CompareReport.ofRounds(List.of(round(0.2, 0.24, true)), List.of()).table().contains("Paired"));
    }

    @Test
    void oneRunsTwoReferencesGiveTwoRowsEachByItsOwnName() {
        SystemResult ffm = new SystemResult("cohort-ffm", "Cohort ffm", true);
        ffm.accept(KvLine.parse("[0] " + dev.cohort.testing.PairedTiming.resultLine("ffm", 8, "mpi-calls",
                new double[]{0.26}, new double[]{0.2, 0.2}), "cohort"));
        ffm.accept(KvLine.parse("[0] " + dev.cohort.testing.PairedTiming.resultLine("ffm", 8, "c",
                new double[]{0.26}, new double[]{0.25, 0.27}), "cohort"));
        assertEquals(2, ffm.paired().size(), ffm.paired().toString());
        String table = CompareReport.ofRounds(List.of(List.of(ffm)), List.of("synthetic")).table();
        String bare = table.lines().filter(l -> l.startsWith("Cohort ffm / bare MPI_Send/MPI_Recv downcalls")).findFirst()
                .orElseThrow(() -> new AssertionError(table));
        String c = table.lines().filter(l -> l.startsWith("Cohort ffm / C MPI_Send/MPI_Recv loop")).findFirst()
                .orElseThrow(() -> new AssertionError(table));
        assertTrue(bare.matches(".*\\b8\\s+0\\.260\\s+0\\.200\\s+1\\.30$"), bare);
        // the C blocks around the Cohort block average 0.26: ratio 1
        assertTrue(c.matches(".*\\b8\\s+0\\.260\\s+0\\.260\\s+1\\.00$"), c);
    }

    @Test
    void readsTheTransportsOfCohortInfo() {
        java.util.Map<String, String> t = Compare.parseInfo(List.of(
                "Cohort 0.1.0-SNAPSHOT",
                "Java 25.0.3 (Eclipse Adoptium, OpenJDK 64-Bit Server VM) at /jdk",
                "Transports:",
                "  local    available, in-JVM threads",
                "  openmpi  not available: libmpi_java cannot be loaded",
                "  ffm      available, Open MPI 4.1.4",
                "MPI launchers on PATH:",
                "  mpirun   /usr/bin/mpirun"));
        assertEquals(java.util.Map.of("openmpi", "not available: libmpi_java cannot be loaded", "ffm", "available, Open MPI 4.1.4"), t);
    }

    @Test
    void ratiosKeepTwoSignificantFigures() {
        assertEquals("144", CompareReport.ratioText(144.4));
        assertEquals("27.4", CompareReport.ratioText(27.41));
        assertEquals("0.35", CompareReport.ratioText(0.351));
        assertEquals("0.0081", CompareReport.ratioText(0.00812));
    }

    @Test
    void tableShowsFiguresRatiosAndMissingPeersWithTheirReasons() {
        String t = new CompareReport(synthetic(), List.of("synthetic")).table();
        assertTrue(t.contains("8 B latency (us)"), t);
        assertTrue(t.contains("n/a"), t); // C has no objects
        assertTrue(t.contains("Cohort local / C"), t);
        assertTrue(t.contains("Cohort local / MPJ Express"), t);
        assertTrue(!t.contains("Cohort local / mpi4py"), t); // a missing peer gets no ratio row...
        assertTrue(t.contains("mpi4py: mpi4py is not installed"), t); // ...but is listed with why
        assertTrue(t.contains("Cohort ffm: no provider on the class path"), t);
        String ratioRow = t.lines().filter(l -> l.startsWith("Cohort local / C ")).findFirst().orElseThrow();
        assertTrue(ratioRow.contains("2.00"), ratioRow); // allreduce of 1 double: 1.0 / 0.5
        String objRow = t.lines().filter(l -> l.startsWith("Cohort local / MPJ Express")).findFirst().orElseThrow();
        assertTrue(objRow.contains("0.05"), objRow); // 4.25 / 85
    }

    @Test
    void writesTheMarkdownReportAndTwoPngPlotsOfTheExpectedSize(@TempDir Path dir) throws Exception {
        new CompareReport(synthetic(), List.of("synthetic figures")).write(dir);
        String md = Files.readString(dir.resolve(CompareReport.MARKDOWN), StandardCharsets.UTF_8);
        assertTrue(md.startsWith("# Cohort side by side"), md);
        assertTrue(md.contains("| Cohort local / C |"), md);
        assertTrue(md.contains("## Missing"), md);
        assertTrue(md.contains("](latency.png)") && md.contains("](bandwidth.png)"), md);
        for (String png : List.of(CompareReport.LATENCY_PNG, CompareReport.BANDWIDTH_PNG)) {
            byte[] head = new byte[8];
            System.arraycopy(Files.readAllBytes(dir.resolve(png)), 0, head, 0, 8);
            assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, png);
            BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
            assertNotNull(img, png);
            assertEquals(LogLogPlot.WIDTH, img.getWidth());
            assertEquals(LogLogPlot.HEIGHT, img.getHeight());
            assertTrue(colours(img) > 4, png + " has lines in several colours");
        }
    }

    @Test
    void aPlotWithoutDataIsStillAnImage(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("empty.png");
        new LogLogPlot("nothing", "x", "y").write(f);
        BufferedImage img = ImageIO.read(f.toFile());
        assertEquals(LogLogPlot.WIDTH, img.getWidth());
        assertEquals(LogLogPlot.HEIGHT, img.getHeight());
    }

    private static int colours(BufferedImage img) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) for (int x = 0; x < img.getWidth(); x += 3) seen.add(img.getRGB(x, y));
        return seen.size();
    }
}
