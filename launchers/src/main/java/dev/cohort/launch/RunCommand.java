package dev.cohort.launch;

import dev.cohort.Cohort;
import dev.cohort.CohortException;
import dev.cohort.CohortOptions;
import dev.cohort.spi.TransportProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Stack;
import java.util.concurrent.Callable;

/** {@code cohort run}: starts a program on N ranks. */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        description = {
                "Run a Java program's main on N ranks.",
                "",
                "With the local transport (the default when no native launcher is detected) the ranks are "
                        + "threads of this JVM; each rank loads the program in a class loader of its own, so "
                        + "static fields are per rank. The program finds its rank with Cohort.init(args).",
                "",
                "The application class path is -cp, else $CLASSPATH, else the current directory, followed by "
                        + "the samples bundled with Cohort."},
        customSynopsis = {
                "cohort run -np N [--transport auto|local|openmpi|mpj|ffm] [--jvm-opt OPT]...",
                "           [--mpirun-opt OPT]... [--tag-output] [-cp PATH]",
                "           (MAIN | -jar JAR) [ARGS]..."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every rank finished", "1:a rank failed (its exception is printed once)",
                "2:bad usage or input; nothing was started"})
final class RunCommand implements Callable<Integer> {
    /** Transports Cohort knows of, besides local; their providers live in modules of their own. */
    static final Set<String> NATIVE_TRANSPORTS = Set.of("openmpi", "mpj", "ffm");
    /** Set by bin/cohort when it has passed the --jvm-opt options to the launcher JVM. */
    static final String JVM_OPTS_APPLIED_PROPERTY = "cohort.launch.jvmOptsApplied";

    @Spec
    private CommandSpec spec;

    @Option(names = {"-np", "-n", "--np"}, required = true, paramLabel = "N", description = "Number of ranks.")
    private int np;

    @Option(names = "--transport", paramLabel = "NAME",
            description = "auto, local, openmpi, mpj or ffm (default: -Dcohort.transport, else $COHORT_TRANSPORT, "
                    + "else auto, which picks local unless a native launcher started this process). "
                    + "local, openmpi (through mpirun, one process per rank), mpj (through MPJ Express's starter) "
                    + "and, with bin/cohort on JDK 22+, ffm can be started.")
    private String transport;

    @Option(names = "--jvm-opt", paramLabel = "OPT", parameterConsumer = VerbatimValue.class,
            description = "An option for the JVM the ranks run in (repeatable). bin/cohort passes them to the launcher JVM.")
    private List<String> jvmOpts = new ArrayList<>();

    @Option(names = "--tag-output", description = "Prefix every line the ranks print with [rank].")
    private boolean tagOutput;

    @Option(names = "--mpirun-opt", paramLabel = "OPT", parameterConsumer = VerbatimValue.class,
            description = "An option for the MPI launcher of openmpi and ffm (mpirun, or MPICH's mpiexec; repeatable), "
                    + "e.g. --mpirun-opt=--bind-to --mpirun-opt=none.")
    private List<String> mpirunOpts = new ArrayList<>();

    @Option(names = {"-cp", "-classpath", "--class-path"}, paramLabel = "PATH",
            description = "The application class path (default: $CLASSPATH, else the current directory).")
    private String classPath;

    @Option(names = "-jar", paramLabel = "JAR", parameterConsumer = JarThenArgs.class,
            description = "Run the Main-Class of an executable jar; every later argument goes to the program.")
    private String jar;

    private final List<String> jarArgs = new ArrayList<>();

    @Parameters(index = "0", arity = "0..1", paramLabel = "MAIN", description = "The main class.")
    private String mainClass;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "ARGS", description = "The program's arguments.")
    private List<String> mainArgs = new ArrayList<>();

    /** {@code -jar JAR ARGS...}: the jar, then everything after it is the program's. */
    static final class JarThenArgs implements CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            if (args.isEmpty()) throw new CommandLine.ParameterException(commandSpec.commandLine(), "Missing JAR after -jar");
            RunCommand run = (RunCommand) commandSpec.userObject();
            run.jar = args.pop();
            while (!args.isEmpty()) run.jarArgs.add(args.pop());
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (np < 1) throw new UsageException("-np must be at least 1, got " + np);
        String chosen = checkTransport(transport != null ? transport : CohortOptions.defaults().transport());

        String mainName;
        AppClassPath cp;
        List<String> programArgs;
        if (jar != null) {
            if (mainClass != null) throw new UsageException("give either a main class or -jar JAR, not both");
            if (classPath != null) throw new UsageException("-cp is ignored with -jar (as with java); use the jar's Class-Path");
            AppClassPath.JarApplication app = AppClassPath.forJar(jar);
            mainName = app.mainClass;
            cp = app.classPath;
            programArgs = jarArgs;
        } else {
            if (mainClass == null) throw new UsageException("missing the main class (or -jar JAR)");
            mainName = mainClass;
            cp = AppClassPath.forMainClass(classPath);
            programArgs = mainArgs;
        }
        StringBuilder warning = new StringBuilder();
        ApplicationMain main = ApplicationMain.check(mainName, cp, RunCommand.class.getClassLoader(), warning);
        if (chosen.equals("openmpi")) {
            // ranks are processes of their own: the program's statics are per rank without class loaders
            return new MpirunJob(np, main, cp, programArgs.toArray(new String[0]), jvmOpts, mpirunOpts, tagOutput).run(err);
        }
        if (!mpirunOpts.isEmpty()) {
            throw new UsageException("--mpirun-opt is for the transports started by an MPI launcher (openmpi, ffm); "
                    + chosen + (chosen.equals("mpj") ? " starts its ranks with MPJ Express's starter" : " runs its ranks in this JVM"));
        }
        if (warning.length() > 0) err.println("cohort run: warning: " + warning);
        if (chosen.equals("mpj")) {
            // the ranks run in the JVM MPJ's starter starts, which gets the --jvm-opts
            if (tagOutput) err.println("cohort run: warning: --tag-output is not supported with --transport mpj yet");
            err.flush();
            return new MpjJobRunner(np, main, cp, programArgs.toArray(new String[0]), jvmOpts).run(err);
        }
        if (!jvmOpts.isEmpty() && !Boolean.getBoolean(JVM_OPTS_APPLIED_PROPERTY)) {
            err.println("cohort run: warning: --jvm-opt " + jvmOpts + " not applied: local ranks run in this JVM, "
                    + "so give the options to the java command that starts the launcher (bin/cohort does this)");
        }
        err.flush();

        CohortOptions options = CohortOptions.builder().transport("local").build();
        return new LocalJobRunner(np, main, cp, programArgs.toArray(new String[0]), tagOutput, options).run(err);
    }

    /** Transports `cohort run` starts processes for, through their own launcher. */
    static final Set<String> PROCESS_TRANSPORTS = Set.of("openmpi");

    /**
     * Accepts what can be started now (local, openmpi through mpirun, mpj through MPJ Express's
     * starter) and returns the provider's
     * name; anything else is a UsageException saying why not.
     */
    static String checkTransport(String requested) {
        String name = requested.trim().toLowerCase(Locale.ROOT);
        if (!name.equals("auto") && !name.equals("local") && !NATIVE_TRANSPORTS.contains(name)) {
            throw new UsageException("unknown transport '" + requested + "'; choose auto, local, openmpi, mpj or ffm");
        }
        if (name.equals("mpj")) {
            // The launcher JVM need not load MPJ itself: its starter runs the ranks. It needs the provider
            // (the transports/mpj module, part of the build when MPJ Express is installed) and MPJ_HOME.
            boolean present = false;
            for (TransportProvider p : Cohort.providers()) present |= p.name().equals("mpj");
            if (!present) {
                throw new UsageException("transport mpj is not available: no provider for it is on the class path"
                        + " (its module, transports/mpj, is built when MPJ Express is installed: see bin/lib/mpj.sh)");
            }
            MpjJobRunner.home();
            return name;
        }
        TransportProvider p;
        try {
            p = Cohort.selectProvider(name);
        } catch (CohortException e) {
            String detail = e.detail();
            if (detail.startsWith("transport " + name + " is not available")) throw new UsageException(detail);
            throw new UsageException("transport " + name + " is not available: no provider for it is on the class path"
                    + " (its module, transports/" + name + ", is not part of this build)");
        }
        if (PROCESS_TRANSPORTS.contains(p.name()) && !name.equals("auto")) return p.name();
        if (!p.name().equals("local")) {
            throw new UsageException("transport " + p.name() + " is not available: cohort run starts only local, openmpi and mpj jobs so far"
                    + (name.equals("auto") ? " (auto chose " + p.name() + " because this process was started by its launcher;"
                    + " use --transport local)" : "; start the program under its own launcher (mpirun) instead"));
        }
        return p.name();
    }
}
