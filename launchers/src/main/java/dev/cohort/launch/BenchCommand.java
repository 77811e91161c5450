package dev.cohort.launch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.io.PrintWriter;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code cohort bench}: hands every argument to {@value #BENCH_MAIN} from the benchmarks module,
 * found on the launcher's class path or the application class path.
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = {"Run a benchmark: every argument goes to " + BenchCommand.BENCH_MAIN
                + " (module benchmarks), which lists the benchmarks and their options.",
                "`cohort bench compare [--quick] [--out DIR]` measures C, the raw Open MPI Java bindings, MPJ Express,"
                        + " mpi4py and every available transport side by side (see BENCHMARKS.md)."},
        customSynopsis = "cohort bench NAME [ARGS]...")
final class BenchCommand implements Callable<Integer> {
    static final String BENCH_MAIN = "dev.cohort.benchmarks.BenchMain";

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "NAME ARGS", arity = "0..*", description = "The benchmark and its arguments.")
    private List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        AppClassPath cp = AppClassPath.forMainClass(null);
        try (URLClassLoader loader = new URLClassLoader("cohort-bench", cp.urls(), BenchCommand.class.getClassLoader())) {
            try {
                Class.forName(BENCH_MAIN, false, loader);
            } catch (ClassNotFoundException e) {
                throw new UsageException("the benchmarks are not installed: " + BENCH_MAIN + " is not on the class path"
                        + " (the benchmarks module is not part of this build)");
            }
            Thread t = Thread.currentThread();
            ClassLoader previous = t.getContextClassLoader();
            t.setContextClassLoader(loader);
            try {
                // BenchMain.run returns its exit code; its main would System.exit this JVM on a usage error
                Method run = Class.forName(BENCH_MAIN, true, loader).getMethod("run", String[].class, PrintStream.class,
                        PrintStream.class);
                PrintStream out = WriterStream.over(spec.commandLine().getOut());
                PrintStream errStream = WriterStream.over(err);
                int code = (Integer) run.invoke(null, args.toArray(new String[0]), out, errStream);
                out.flush();
                errStream.flush();
                return code;
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                err.println("cohort bench: " + BENCH_MAIN + " failed: " + cause);
                cause.setStackTrace(LocalJobRunner.withoutLauncherFrames(cause.getStackTrace()));
                cause.printStackTrace(err);
                err.flush();
                return ExitCode.FAILED;
            } catch (ReflectiveOperationException e) {
                throw new UsageException("the benchmarks on the class path have no " + BENCH_MAIN + ".run(String[], PrintStream,"
                        + " PrintStream): " + e);
            } finally {
                t.setContextClassLoader(previous);
            }
        } catch (IOException e) {
            return ExitCode.OK; // closing the loader failed after the benchmark ran
        }
    }
}
