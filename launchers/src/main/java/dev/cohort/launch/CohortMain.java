package dev.cohort.launch;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * The {@code cohort} command. {@link #main} exits the JVM with the command's exit code;
 * {@link #execute} returns it (for tests and embedding).
 */
@Command(name = "cohort",
        mixinStandardHelpOptions = true,
        versionProvider = CohortMain.Version.class,
        description = "Run and inspect Cohort SPMD jobs.",
        subcommands = {RunCommand.class, ClasspathCommand.class, InfoCommand.class, BenchCommand.class, JobScriptCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:a rank failed", "2:bad usage or input"})
public final class CohortMain implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** Runs the command and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command with output to System.out / System.err and returns its exit code. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command with the given output and error writers and returns its exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CohortMain());
        // picocli's defaults already match ours: 2 for invalid input, 1 for an execution exception
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof UsageException) {
                err.println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
                err.flush();
                return ExitCode.USAGE;
            }
            err.println("cohort " + commandLine.getCommandName() + ": internal error: " + e);
            e.printStackTrace(err);
            err.flush();
            return ExitCode.FAILED;
        });
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            PrintWriter err = c.getErr();
            String name = c.getCommandSpec().qualifiedName();
            err.println(name + ": " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Try '" + name + " --help' for more information.");
            err.flush();
            return ExitCode.USAGE;
        });
        // Everything after the main class (run) or the benchmark name (bench) belongs to the program.
        cl.getSubcommands().get("run").setStopAtPositional(true);
        cl.getSubcommands().get("bench").setStopAtPositional(true).setUnmatchedOptionsArePositionalParams(true);
        CommandLine jobscript = cl.getSubcommands().get("jobscript");
        jobscript.setSubcommandsCaseInsensitive(true).setUnmatchedOptionsArePositionalParams(true);
        for (CommandLine scheduler : jobscript.getSubcommands().values()) scheduler.setStopAtPositional(true);
        return cl;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("cohort: missing a command");
        spec.commandLine().usage(err);
        return ExitCode.USAGE;
    }

    /** Cohort's version from the launcher jar's manifest. */
    static String cohortVersion() {
        String v = CohortMain.class.getPackage().getImplementationVersion();
        return v != null ? v : "(development build)";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"cohort " + cohortVersion(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
