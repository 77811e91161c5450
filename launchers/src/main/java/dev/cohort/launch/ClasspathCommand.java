package dev.cohort.launch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cohort classpath}: the class path that runs Cohort programs under plain java. */
@Command(name = "classpath",
        mixinStandardHelpOptions = true,
        description = {"Print the class path with everything needed to run Cohort programs with plain java: "
                + "the Cohort runtime (mpi-core, kryo and its dependencies, the launcher, picocli, transports) "
                + "and the bundled samples.",
                "",
                "  java -cp \"$(bin/cohort classpath)\" dev.cohort.samples.Hello"})
final class ClasspathCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(runtimeAndBundled());
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }

    /**
     * The launcher JVM's class path and the bundled applications, as absolute paths, without duplicates;
     * then MPJ Express's mpj.jar when an MPJ_HOME is known (-Dcohort.mpj.home, which bin/cohort sets).
     */
    static String runtimeAndBundled() {
        List<String> parts = new ArrayList<>();
        for (String s : new String[]{System.getProperty("java.class.path"), System.getProperty(AppClassPath.BUNDLED_PROPERTY)}) {
            if (s == null) continue;
            for (Path p : AppClassPath.parse(s, AppClassPath.cwd())) parts.add(p.toString());
        }
        String mpjHome = System.getProperty(MpjJobRunner.HOME_PROPERTY);
        if (mpjHome != null && !mpjHome.isBlank()) {
            Path mpjJar = java.nio.file.Paths.get(mpjHome, "lib", "mpj.jar");
            if (java.nio.file.Files.isRegularFile(mpjJar)) parts.add(mpjJar.toAbsolutePath().toString());
        }
        return AppClassPath.join(List.of(String.join(File.pathSeparator, parts)));
    }
}
