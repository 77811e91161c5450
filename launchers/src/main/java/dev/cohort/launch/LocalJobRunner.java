package dev.cohort.launch;

import dev.cohort.CohortException;
import dev.cohort.CohortOptions;
import dev.cohort.local.LocalJob;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.Charset;
import java.util.Arrays;

/**
 * Runs a program's main on N ranks as threads of this JVM (the local transport). Each rank loads the
 * program in a class loader of its own over the application class path, whose parent is the
 * launcher's loader: Cohort itself is shared (so {@code Cohort.init} in main finds the rank's
 * session), the program's classes and their static fields are per rank.
 *
 * <p>When a rank fails, the job is aborted, the failed rank's exception is reported once, and
 * {@link #run} returns {@link ExitCode#FAILED}.
 */
final class LocalJobRunner {
    private final int np;
    private final ApplicationMain main;
    private final AppClassPath classPath;
    private final String[] args;
    private final boolean tagOutput;
    private final CohortOptions options;

    LocalJobRunner(int np, ApplicationMain main, AppClassPath classPath, String[] args, boolean tagOutput,
                   CohortOptions options) {
        this.np = np;
        this.main = main;
        this.classPath = classPath;
        this.args = args.clone();
        this.tagOutput = tagOutput;
        this.options = options;
    }

    /** Runs the job; returns the exit code. Launcher messages go to {@code err}. */
    int run(PrintWriter err) {
        ClassLoader parent = LocalJobRunner.class.getClassLoader();
        URL[] urls = classPath.urls();
        URLClassLoader[] loaders = new URLClassLoader[np];
        for (int r = 0; r < np; r++) loaders[r] = new URLClassLoader("cohort-rank-" + r, urls, parent);

        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        RankTaggedOutput taggedOut = null;
        RankTaggedOutput taggedErr = null;
        if (tagOutput) {
            Charset cs = RankTaggedOutput.consoleCharset();
            taggedOut = new RankTaggedOutput(originalOut);
            taggedErr = new RankTaggedOutput(originalErr);
            System.setOut(new PrintStream(taggedOut, false, cs));
            System.setErr(new PrintStream(taggedErr, false, cs));
        }
        LocalJob job = new LocalJob(np, options).rankLoaders(r -> loaders[r]).args(args).runsPrograms();
        try {
            job.call(world -> {
                RankContext.set(world.rank());
                try {
                    main.invoke(loaders[world.rank()], args);
                } finally {
                    RankContext.clear();
                }
                return null;
            });
            return ExitCode.OK;
        } catch (CohortException e) {
            System.out.flush();
            reportFailure(e, err);
            return ExitCode.FAILED;
        } finally {
            if (tagOutput) {
                System.out.flush();
                System.err.flush();
                taggedOut.flushOpenLines();
                taggedErr.flushOpenLines();
                System.setOut(originalOut);
                System.setErr(originalErr);
            }
            for (URLClassLoader l : loaders) {
                try {
                    l.close();
                } catch (IOException e) {
                    // nothing to do: the loader's jars are closed on exit
                }
            }
        }
    }

    /** One line naming the failed rank and its exception, then that exception's stack trace. */
    static void reportFailure(CohortException e, PrintWriter err) {
        err.println("cohort: " + e.detail());
        Throwable root = e.getCause();
        if (root != null) {
            root.setStackTrace(withoutLauncherFrames(root.getStackTrace()));
            StringWriter sw = new StringWriter();
            root.printStackTrace(new PrintWriter(sw));
            String trace = sw.toString();
            String head = root + System.lineSeparator();
            err.print(trace.startsWith(head) ? trace.substring(head.length()) : trace);
        }
        err.flush();
    }

    /** The frames up to the program's main: drops the reflective call and the launcher below it. */
    static StackTraceElement[] withoutLauncherFrames(StackTraceElement[] frames) {
        int k = -1;
        for (int i = 0; i < frames.length; i++) {
            if (frames[i].getClassName().startsWith(ApplicationMain.class.getName())) {
                k = i;
                break;
            }
        }
        if (k <= 0) return frames;
        int end = k;
        while (end > 0 && isReflection(frames[end - 1])) end--;
        return end == 0 ? frames : Arrays.copyOf(frames, end);
    }

    private static boolean isReflection(StackTraceElement f) {
        String c = f.getClassName();
        return c.startsWith("jdk.internal.reflect.") || c.startsWith("java.lang.reflect.");
    }
}
