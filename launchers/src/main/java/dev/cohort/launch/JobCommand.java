package dev.cohort.launch;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Stack;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code cohort jobscript pbs|slurm|sge}: validates the job, writes its script (stdout, or -o FILE) and
 * with --submit hands it to qsub / sbatch. Every check runs before anything is written.
 */
abstract class JobCommand implements Callable<Integer> {
    /** Queue, partition, account and parallel environment names: what a directive line can hold. */
    private static final Pattern DIRECTIVE_WORD = Pattern.compile("[A-Za-z0-9_.@+%:=/-]+");
    /** Job names every scheduler accepts: a letter first, no spaces. */
    private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");
    /** Module names as written after `module load`. */
    private static final Pattern MODULE = Pattern.compile("[A-Za-z0-9_.@+%:=/-]+");
    private static final Pattern JAVA_NAME = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");
    /** Transports a script started by mpirun can use. */
    private static final List<String> TRANSPORTS = List.of("auto", "openmpi", "ffm");
    static final long SUBMIT_TIMEOUT_SECONDS = 120;

    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", required = true, paramLabel = "N", order = 1,
            description = "Number of nodes to ask for.")
    int nodes;

    @Option(names = "--ppn", required = true, paramLabel = "P", order = 2,
            description = "Ranks (MPI processes, one JVM each) per node. The job runs N x P ranks.")
    int ppn;

    @Option(names = "--walltime", required = true, paramLabel = "HH:MM:SS", order = 3,
            description = "Wall-clock limit, e.g. 00:30:00 or 48:00:00; the scheduler ends the job after it.")
    String walltime;

    @Option(names = "--name", paramLabel = "NAME", order = 6,
            description = "Job name (default: the main class's simple name, or the jar's file name).")
    String name;

    @Option(names = "--module", paramLabel = "M", order = 7,
            description = "Run `module load M` before starting (repeatable, in order), e.g. --module java/17 --module openmpi.")
    List<String> modules = new ArrayList<>();

    @Option(names = "--jvm-opt", paramLabel = "OPT", parameterConsumer = VerbatimValue.class, order = 8,
            description = "An option for every rank's JVM (repeatable), e.g. --jvm-opt -Xmx4g.")
    List<String> jvmOpts = new ArrayList<>();

    @Option(names = "--mpirun-opt", paramLabel = "OPT", parameterConsumer = VerbatimValue.class, order = 9,
            description = "An option for mpirun (repeatable), e.g. --mpirun-opt=--bind-to --mpirun-opt=core.")
    List<String> mpirunOpts = new ArrayList<>();

    @Option(names = "--transport", paramLabel = "NAME", order = 10,
            description = "auto (default: Cohort picks the transport of the MPI library that started it), openmpi or ffm; "
                    + "set as -Dcohort.transport.")
    String transport;

    @Option(names = {"-cp", "-classpath", "--class-path"}, paramLabel = "PATH", order = 11,
            description = "Your application's class path, put before Cohort's (default: the submission directory).")
    String classPath;

    @Option(names = "--classpath-at-run-time", order = 12,
            description = "Let the job ask `cohort classpath` for Cohort's class path when it starts ($COHORT, else cohort "
                    + "on the job's PATH) instead of writing the class path of this installation into the script. "
                    + "The script then holds no absolute paths and -cp entries stay relative to the submission directory.")
    boolean classPathAtRunTime;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", order = 13,
            description = "Write the script to FILE (made executable) instead of standard output.")
    String output;

    @Option(names = "--submit", order = 14,
            description = "Submit the script and print the job id. Without -o the script is written to NAME.pbs, NAME.slurm or NAME.sge first.")
    boolean submit;

    @Option(names = "-jar", paramLabel = "JAR", order = 20, parameterConsumer = JarThenArgs.class,
            description = "Run the Main-Class of an executable jar; every later argument goes to the program.")
    String jar;

    final List<String> jarArgs = new ArrayList<>();

    @Parameters(index = "0", arity = "0..1", paramLabel = "MAIN", description = "The main class.")
    String mainClass;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "ARGS",
            description = "The program's arguments, passed unchanged (quote them for your own shell as usual).")
    List<String> mainArgs = new ArrayList<>();

    /** {@code -jar JAR ARGS...}: the jar, then everything after it is the program's. */
    static final class JarThenArgs implements CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            if (args.isEmpty()) throw new CommandLine.ParameterException(commandSpec.commandLine(), "Missing JAR after -jar");
            JobCommand job = (JobCommand) commandSpec.userObject();
            job.jar = args.pop();
            while (!args.isEmpty()) job.jarArgs.add(args.pop());
        }
    }

    abstract Scheduler scheduler();

    /** Slurm: mpirun or srun. */
    String launcher() {
        return "mpirun";
    }

    /** SGE: the parallel environment. */
    String parallelEnvironment() {
        return null;
    }

    /** The current directory: relative -cp, -jar and -o are resolved against it. */
    Path cwd() {
        return AppClassPath.cwd();
    }

    /** Where --submit looks for qsub / sbatch. */
    String searchPath() {
        return System.getenv("PATH");
    }

    @Override
    public Integer call() {
        JobScript job = validate();
        Path file = outputFile(job);
        String submitter = null;
        if (submit) {
            Path tool = InfoCommand.onPath(scheduler().submitCommand, searchPath());
            if (tool == null) {
                throw new UsageException("--submit needs " + scheduler().submitCommand + ", which is not on PATH (is this a "
                        + scheduler().shortName + " login node?); write the script with -o FILE and submit it where "
                        + scheduler().submitCommand + " is");
            }
            submitter = tool.toString();
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String script = job.render();
        if (file == null) {
            out.print(script);
            out.flush();
            return ExitCode.OK;
        }
        write(file, script);
        if (!submit) {
            err.println("cohort jobscript: wrote " + output + "; submit it with: " + scheduler().submitCommand + " "
                    + ShellQuote.quote(output));
            err.flush();
            return ExitCode.OK;
        }
        return submit(submitter, file, out, err);
    }

    /** Checks every option and builds the job; throws UsageException with one line on bad input. */
    JobScript validate() {
        Scheduler s = scheduler();
        if (nodes < 1) throw new UsageException("--nodes must be at least 1, got " + nodes);
        if (ppn < 1) throw new UsageException("--ppn must be at least 1, got " + ppn);
        if ((long) nodes * ppn > 1_000_000) throw new UsageException("--nodes x --ppn is too large: " + ((long) nodes * ppn));
        Walltime wt = Walltime.parse(walltime);
        String queue = directiveWord(s == Scheduler.SLURM ? "--queue (partition)" : "--queue", option("--queue"));
        String account = directiveWord("--account", option("--account"));
        String pe = parallelEnvironment();
        if (pe != null) directiveWord("--pe", pe);
        for (String m : modules) {
            if (!MODULE.matcher(m).matches()) throw new UsageException("--module '" + m + "' is not a module name");
        }
        for (String o : jvmOpts) {
            if (!o.startsWith("-")) throw new UsageException("--jvm-opt '" + o + "' is not a JVM option (those start with -)");
        }
        List<String> javaOpts = new ArrayList<>(jvmOpts);
        if (transport != null) {
            String t = transport.trim().toLowerCase(Locale.ROOT);
            if (t.equals("local") || t.equals("mpj")) {
                throw new UsageException("--transport " + t + " cannot run under mpirun; a job script runs auto, openmpi or ffm"
                        + (t.equals("local") ? " (for local ranks in one JVM use cohort run)" : ""));
            }
            if (!TRANSPORTS.contains(t)) throw new UsageException("unknown transport '" + transport + "'; choose auto, openmpi or ffm");
            if (!t.equals("auto")) javaOpts.add("-Dcohort.transport=" + t);
        }

        String main;
        List<String> args;
        String appPath;
        Path cwd = cwd();
        if (jar != null) {
            if (mainClass != null) throw new UsageException("give either a main class or -jar JAR, not both");
            if (classPath != null) throw new UsageException("-cp is ignored with -jar (as with java); use the jar's Class-Path");
            AppClassPath.JarApplication app = AppClassPath.forJar(jar, null, cwd);
            main = app.mainClass;
            args = jarArgs;
            appPath = classPathAtRunTime ? jar : app.classPath.entries().get(0).toString();
        } else {
            if (mainClass == null) throw new UsageException("missing the main class (or -jar JAR)");
            checkMainClass(mainClass);
            main = mainClass;
            args = mainArgs;
            String user = classPath != null ? classPath : ".";
            appPath = classPathAtRunTime ? user : absolute(user, cwd);
        }
        String cp = classPathAtRunTime ? appPath
                : AppClassPath.join(List.of(appPath, ClasspathCommand.runtimeAndBundled()));
        String jobName = option("--name") != null ? name : defaultName(main, jar);
        if (!JOB_NAME.matcher(jobName).matches()) {
            throw new UsageException("--name '" + jobName + "' is not a job name every scheduler accepts: a letter, then up to 63 "
                    + "letters, digits, _ . or -");
        }
        return new JobScript(s, nodes, ppn, wt, queue, account, jobName, modules, javaOpts, mpirunOpts, launcher(), pe,
                classPathAtRunTime ? JobScript.ClassPathMode.RUN_TIME : JobScript.ClassPathMode.GENERATED, cp, main, args,
                commandLine(wt));
    }

    /** The option's value, null when not given (picocli leaves unset strings null). */
    private String option(String optionName) {
        switch (optionName) {
            case "--queue":
                return queueOption();
            case "--account":
                return accountOption();
            case "--name":
                return name;
            default:
                throw new AssertionError(optionName);
        }
    }

    abstract String queueOption();

    abstract String accountOption();

    private static String directiveWord(String what, String value) {
        if (value == null) return null;
        if (!DIRECTIVE_WORD.matcher(value).matches()) {
            throw new UsageException(what + " '" + value.replace("\n", "\\n") + "' holds characters a scheduler directive cannot: "
                    + "use letters, digits and _ . @ + % : = / -");
        }
        return value;
    }

    private static void checkMainClass(String main) {
        if (main.endsWith(".class")) {
            String base = main.substring(0, main.length() - ".class".length()).replace('/', '.');
            throw new UsageException("'" + main + "' is a file name; give the class name, for example " + base);
        }
        if (main.endsWith(".jar")) throw new UsageException("'" + main + "' is a jar; run it with -jar " + main);
        if (main.startsWith("-")) throw new UsageException("unknown option '" + main + "'");
        if (!JAVA_NAME.matcher(main).matches()) throw new UsageException("'" + main + "' is not a Java class name");
    }

    /** Relative entries resolved against cwd; {@code dir/*} kept as a wildcard for java to expand. */
    private static String absolute(String pathList, Path cwd) {
        List<String> out = new ArrayList<>();
        for (String e : pathList.split(File.pathSeparator)) {
            if (e.isEmpty()) continue;
            boolean wildcard = e.equals("*") || e.endsWith("/*");
            String base = wildcard ? e.substring(0, e.length() - 1) : e;
            try {
                Path p = cwd.resolve(base.isEmpty() ? "." : base).toAbsolutePath().normalize();
                out.add(wildcard ? p.resolve("*").toString() : p.toString());
            } catch (InvalidPathException ex) {
                throw new UsageException("-cp entry '" + e + "' is not a path");
            }
        }
        return String.join(File.pathSeparator, out);
    }

    /** The main class's simple name, or the jar's file name without .jar, made into a valid job name. */
    static String defaultName(String main, String jar) {
        String base = jar != null ? Paths.get(jar).getFileName().toString().replaceFirst("(?i)\\.jar$", "")
                : main.substring(main.lastIndexOf('.') + 1);
        String n = base.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (n.isEmpty() || !Character.isLetter(n.charAt(0))) n = "job" + n;
        return n.length() > 64 ? n.substring(0, 64) : n;
    }

    /** The canonical command that writes this script again (without -o and --submit). */
    private List<String> commandLine(Walltime wt) {
        List<String> c = new ArrayList<>(List.of("cohort", "jobscript", scheduler().id,
                "--nodes", Integer.toString(nodes), "--ppn", Integer.toString(ppn), "--walltime", wt.hms()));
        extraOptions(c);
        if (queueOption() != null) c.addAll(List.of("--queue", queueOption()));
        if (accountOption() != null) c.addAll(List.of("--account", accountOption()));
        if (name != null) c.addAll(List.of("--name", name));
        for (String m : modules) c.addAll(List.of("--module", m));
        for (String o : jvmOpts) c.add("--jvm-opt=" + o);
        for (String o : mpirunOpts) c.add("--mpirun-opt=" + o);
        if (transport != null) c.addAll(List.of("--transport", transport));
        if (classPathAtRunTime) c.add("--classpath-at-run-time");
        if (classPath != null) c.addAll(List.of("-cp", classPath));
        if (jar != null) {
            c.addAll(List.of("-jar", jar));
            c.addAll(jarArgs);
        } else {
            c.add(mainClass);
            c.addAll(mainArgs);
        }
        return c;
    }

    /** Scheduler-specific options for the canonical command line. */
    void extraOptions(List<String> c) {
    }

    /** -o FILE, or NAME.EXT with --submit, or null for standard output; checked, not yet written. */
    private Path outputFile(JobScript job) {
        if (output == null && submit) output = job.name + "." + scheduler().id;
        if (output == null) return null;
        Path p;
        try {
            p = cwd().resolve(output).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new UsageException("-o '" + output + "' is not a file name");
        }
        if (Files.isDirectory(p)) throw new UsageException("-o " + output + " is a directory; give a file name");
        Path dir = p.getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new UsageException("-o " + output + ": the directory " + dir + " does not exist");
        return p;
    }

    private static void write(Path file, String script) {
        try {
            Files.writeString(file, script, StandardCharsets.UTF_8);
            if (!file.toFile().setExecutable(true, false)) file.toFile().setExecutable(true);
        } catch (IOException e) {
            throw new UsageException("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** Runs qsub / sbatch on the script in the current directory and prints the job id. */
    private int submit(String tool, Path file, PrintWriter out, PrintWriter err) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool);
        if (scheduler() == Scheduler.SLURM) cmd.add("--parsable");
        if (scheduler() == Scheduler.SGE) cmd.add("-terse");
        cmd.add(file.toString());
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = Files.createTempFile("cohort-submit", ".out");
            stderr = Files.createTempFile("cohort-submit", ".err");
            Process p = new ProcessBuilder(cmd).directory(cwd().toFile())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            if (!p.waitFor(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                err.println("cohort jobscript: " + scheduler().submitCommand + " did not answer within " + SUBMIT_TIMEOUT_SECONDS
                        + " s; the script is in " + output);
                err.flush();
                return ExitCode.FAILED;
            }
            String said = Files.readString(stdout, StandardCharsets.UTF_8).trim();
            String complaint = Files.readString(stderr, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0 || said.isEmpty()) {
                err.println("cohort jobscript: " + String.join(" ", cmd) + " failed (exit " + p.exitValue() + ")"
                        + (complaint.isEmpty() ? "" : ": " + complaint.lines().findFirst().orElse(""))
                        + "; the script is in " + output);
                err.flush();
                return ExitCode.FAILED;
            }
            String id = jobId(scheduler(), said);
            err.println("cohort jobscript: wrote " + output + " and submitted it with " + scheduler().submitCommand + ": job " + id);
            err.flush();
            out.println(id);
            out.flush();
            return ExitCode.OK;
        } catch (IOException e) {
            err.println("cohort jobscript: cannot run " + tool + ": " + e.getMessage() + "; the script is in " + output);
            err.flush();
            return ExitCode.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.FAILED;
        } finally {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    /** The job id in what the submit command printed: its last line; sbatch --parsable adds ";cluster". */
    static String jobId(Scheduler s, String printed) {
        List<String> lines = printed.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        if (s == Scheduler.SLURM) {
            int semi = last.indexOf(';');
            if (semi >= 0) last = last.substring(0, semi);
        }
        return last;
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a temporary file left behind
        }
    }

    static final String EXIT_CODES_HEADING = "%nExit codes:%n";

    @Command(name = "pbs", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Write a PBS job script (Torque, OpenPBS, PBS Pro): #PBS -l nodes=N:ppn=P, -l walltime, "
                    + "-q, -A, -N. The job goes to $PBS_O_WORKDIR and runs one rank per line of $PBS_NODEFILE.",
                    "",
                    "  cohort jobscript pbs --nodes 2 --ppn 4 --walltime 00:10:00 \\",
                    "      -o hello.pbs dev.cohort.samples.Hello",
                    "  qsub hello.pbs"},
            customSynopsis = {
                    "cohort jobscript pbs --nodes N --ppn P --walltime HH:MM:SS",
                    "    [--queue Q] [--account A] [--name NAME] [--module M]... [--jvm-opt OPT]...",
                    "    [--transport T] [-cp PATH] [--classpath-at-run-time] [-o FILE] [--submit]",
                    "    (MAIN | -jar JAR) [ARGS]..."},
            exitCodeListHeading = EXIT_CODES_HEADING,
            exitCodeList = {"0:written (and submitted: the job id is printed)", "1:qsub failed",
                    "2:bad usage or input, or qsub missing with --submit; nothing was written"})
    static final class Pbs extends JobCommand {
        @Option(names = {"--queue", "-q"}, paramLabel = "Q", order = 4, description = "Queue (#PBS -q).")
        String queue;
        @Option(names = {"--account", "-A"}, paramLabel = "A", order = 5, description = "Account to charge (#PBS -A).")
        String account;

        @Override
        Scheduler scheduler() {
            return Scheduler.PBS;
        }

        @Override
        String queueOption() {
            return queue;
        }

        @Override
        String accountOption() {
            return account;
        }
    }

    @Command(name = "slurm", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Write a Slurm batch script: #SBATCH --nodes, --ntasks-per-node, --time, --partition, --account, "
                    + "--job-name. The ranks are the job's tasks, started by mpirun (or srun with --launcher srun); the "
                    + "output goes to NAME-JOBID.out in the submission directory.",
                    "",
                    "  cohort jobscript slurm --nodes 2 --ppn 4 --walltime 00:10:00 \\",
                    "      -o hello.slurm dev.cohort.samples.Hello",
                    "  sbatch hello.slurm"},
            customSynopsis = {
                    "cohort jobscript slurm --nodes N --ppn P --walltime HH:MM:SS",
                    "    [--queue PARTITION] [--account A] [--name NAME] [--module M]... [--jvm-opt OPT]...",
                    "    [--transport T] [--launcher mpirun|srun] [-cp PATH] [--classpath-at-run-time]",
                    "    [-o FILE] [--submit] (MAIN | -jar JAR) [ARGS]..."},
            exitCodeListHeading = EXIT_CODES_HEADING,
            exitCodeList = {"0:written (and submitted: the job id is printed)", "1:sbatch failed",
                    "2:bad usage or input, or sbatch missing with --submit; nothing was written"})
    static final class Slurm extends JobCommand {
        @Option(names = {"--queue", "--partition", "-p"}, paramLabel = "PARTITION", order = 4,
                description = "Partition (#SBATCH --partition).")
        String queue;
        @Option(names = {"--account", "-A"}, paramLabel = "A", order = 5, description = "Account to charge (#SBATCH --account).")
        String account;
        @Option(names = "--launcher", paramLabel = "mpirun|srun", order = 15,
                description = "What starts the ranks: mpirun (default) or srun (needs srun's PMI support for your MPI library).")
        String launcher = "mpirun";

        @Override
        Scheduler scheduler() {
            return Scheduler.SLURM;
        }

        @Override
        String queueOption() {
            return queue;
        }

        @Override
        String accountOption() {
            return account;
        }

        @Override
        String launcher() {
            if (!launcher.equals("mpirun") && !launcher.equals("srun")) {
                throw new UsageException("--launcher must be mpirun or srun, got '" + launcher + "'");
            }
            return launcher;
        }

        @Override
        void extraOptions(List<String> c) {
            if (!launcher.equals("mpirun")) c.addAll(List.of("--launcher", launcher));
        }
    }

    @Command(name = "sge", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Write a Grid Engine job script (SGE, Son of Grid Engine, Univa/Altair GE): #$ -pe PE N*P, "
                    + "-l h_rt, -cwd, -q, -A, -N. The ranks are the job's slots ($NSLOTS); mpirun finds the hosts in "
                    + "$PE_HOSTFILE.",
                    "",
                    "  cohort jobscript sge --nodes 2 --ppn 4 --walltime 00:10:00 --pe orte \\",
                    "      -o hello.sge dev.cohort.samples.Hello",
                    "  qsub hello.sge"},
            customSynopsis = {
                    "cohort jobscript sge --nodes N --ppn P --walltime HH:MM:SS [--pe PE]",
                    "    [--queue Q] [--account A] [--name NAME] [--module M]... [--jvm-opt OPT]...",
                    "    [--transport T] [-cp PATH] [--classpath-at-run-time] [-o FILE] [--submit]",
                    "    (MAIN | -jar JAR) [ARGS]..."},
            exitCodeListHeading = EXIT_CODES_HEADING,
            exitCodeList = {"0:written (and submitted: the job id is printed)", "1:qsub failed",
                    "2:bad usage or input, or qsub missing with --submit; nothing was written"})
    static final class Sge extends JobCommand {
        @Option(names = {"--queue", "-q"}, paramLabel = "Q", order = 4, description = "Queue (#$ -q).")
        String queue;
        @Option(names = {"--account", "-A"}, paramLabel = "A", order = 5, description = "Account (#$ -A).")
        String account;
        @Option(names = "--pe", paramLabel = "PE", order = 15,
                description = "Parallel environment for #$ -pe PE N*P (default: mpi; ask your admins, `qconf -spl` lists them).")
        String pe = "mpi";

        @Override
        Scheduler scheduler() {
            return Scheduler.SGE;
        }

        @Override
        String queueOption() {
            return queue;
        }

        @Override
        String accountOption() {
            return account;
        }

        @Override
        String parallelEnvironment() {
            return pe;
        }

        @Override
        void extraOptions(List<String> c) {
            if (!pe.equals("mpi")) c.addAll(List.of("--pe", pe));
        }
    }
}
