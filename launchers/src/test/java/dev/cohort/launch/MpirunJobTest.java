package dev.cohort.launch;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The mpirun line of `cohort run --transport openmpi`, without running it. */
class MpirunJobTest {
    private static MpirunJob job(int np, boolean tag) {
        return new MpirunJob(np, ApplicationMain.named("com.example.Main"),
                AppClassPath.forMainClass("/apps/classes", null, "", AppClassPath.cwd()), new String[]{"a b", "c"},
                List.of("-Xmx1g"), List.of("--bind-to", "none"), tag);
    }

    @Test
    void rootAndOversubscribeOnlyWhenNeeded() {
        List<String> asUser = job(2, false).command("mpirun", false, 2, null, null);
        assertThat(asUser).doesNotContain("--allow-run-as-root", "--oversubscribe", "--tag-output");
        List<String> asRoot = job(4, true).command("mpirun", true, 2, null, null);
        assertThat(asRoot).contains("--allow-run-as-root", "--oversubscribe", "--tag-output");
    }

    @Test
    void ranksRunRankMainWithTheProgramAndItsArguments() {
        List<String> cmd = job(3, false).command("/usr/bin/mpirun", false, 8, "/opt/ompi/lib", null);
        assertThat(cmd.get(0)).isEqualTo("/usr/bin/mpirun");
        assertThat(cmd).containsSequence("-np", "3").containsSequence("-x", "COHORT_TRANSPORT=openmpi");
        assertThat(cmd.subList(cmd.size() - 4, cmd.size())).containsExactly(RankMain.class.getName(), "com.example.Main", "a b", "c");
        assertThat(cmd).contains("-Xmx1g");
        assertThat(cmd.stream().filter(a -> a.startsWith("-Djava.library.path=")).findFirst()).get().asString()
                .startsWith("-Djava.library.path=/opt/ompi/lib");
        int cp = cmd.indexOf("-cp");
        assertThat(cmd.get(cp + 1)).endsWith("/apps/classes");
    }

    /** Where the java command is: the first argument after mpirun's own that ends with /java. */
    private static int javaAt(List<String> cmd) {
        for (int i = 1; i < cmd.size(); i++) if (cmd.get(i).endsWith("/java")) return i;
        throw new AssertionError("no java in " + cmd);
    }

    @Test
    void theClassPathComesRightAfterJavaBeforeAnyOptionThatMentionsCp() {
        // Open MPI's mpirun treats the argument after the first one containing "cp" as the class path
        MpirunJob j = new MpirunJob(2, ApplicationMain.named("com.example.Main"),
                AppClassPath.forMainClass("/apps/classes", null, "", AppClassPath.cwd()), new String[]{"in-cp.txt"},
                List.of("-Dinput=/data/cpu.csv"), List.of(), false);
        List<String> cmd = j.command("mpirun", false, 2, "/opt/ompi/lib", "always [madvise] never\n");
        int java = javaAt(cmd);
        assertThat(cmd.get(java + 1)).isEqualTo("-cp");
        assertThat(cmd.get(java + 2)).endsWith("/apps/classes");
        assertThat(cmd.subList(java + 3, cmd.size())).contains("-Dinput=/data/cpu.csv", "in-cp.txt");
    }

    @Test
    void theUsersMpirunOptionsGoToMpirunAfterCohortsOwnAndBeforeJava() {
        List<String> cmd = job(2, true).command("mpirun", true, 1, null, null);
        int at = cmd.indexOf("--bind-to");
        assertThat(cmd).as("%s", cmd).containsSequence("--bind-to", "none");
        assertThat(at).isGreaterThan(cmd.indexOf("COHORT_TRANSPORT=openmpi"))
                .isGreaterThan(cmd.indexOf("--oversubscribe")).isGreaterThan(cmd.indexOf("--allow-run-as-root"));
        assertThat(cmd.get(at + 2)).endsWith("java");
    }

    @Test
    void theHeapAsksForHugePagesOnlyWhereTheKernelGivesThemOnRequest() {
        List<String> madvise = job(2, false).command("mpirun", false, 2, null, "always [madvise] never\n");
        int java = madvise.indexOf("-XX:+UseTransparentHugePages");
        assertThat(java).as("%s", madvise).isGreaterThan(javaAt(madvise));
        // before the user's options, so that --jvm-opt=-XX:-UseTransparentHugePages wins
        assertThat(java).isLessThan(madvise.indexOf("-Xmx1g"));
        for (String mode : new String[]{"[always] madvise never\n", "always madvise [never]\n", null}) {
            assertThat(job(2, false).command("mpirun", false, 2, null, mode)).as("mode %s", mode)
                    .noneMatch(a -> a.contains("TransparentHugePages"));
        }
    }

    @Test
    void objectsAreAlignedTo32BytesWhateverTheKernelAndBeforeTheUsersOptions() {
        for (String mode : new String[]{"always [madvise] never\n", "always madvise [never]\n", null}) {
            List<String> cmd = job(2, false).command("mpirun", false, 2, null, mode);
            int align = cmd.indexOf("-XX:ObjectAlignmentInBytes=32");
            assertThat(align).as("mode %s: %s", mode, cmd).isGreaterThan(javaAt(cmd));
            // so that --jvm-opt=-XX:ObjectAlignmentInBytes=8 wins (HotSpot takes the last)
            assertThat(align).isLessThan(cmd.indexOf("-Xmx1g"));
        }
    }
}
