package dev.cohort.launch;

import java.util.ArrayList;
import java.util.List;

/**
 * A validated batch job and the bash script that runs it. Everything the script holds that came from
 * the user is either checked against a strict pattern (scheduler directives: names, queues, accounts)
 * or shell-quoted ({@link ShellQuote}): program arguments and JVM options arrive unchanged.
 *
 * <p>The script runs {@code mpirun -np $NP java -cp CLASSPATH OPTS MAIN ARGS}, with $NP read from the
 * scheduler at run time (PBS: the lines of $PBS_NODEFILE, Slurm: $SLURM_NTASKS, SGE: $NSLOTS).
 */
final class JobScript {
    /** How the script finds the class path. */
    enum ClassPathMode {
        /** The class path is written into the script when it is generated (absolute paths). */
        GENERATED,
        /** The script asks {@code cohort classpath} when the job starts. */
        RUN_TIME
    }

    final Scheduler scheduler;
    final int nodes;
    final int ppn;
    final Walltime walltime;
    final String queue;
    final String account;
    final String name;
    final List<String> modules;
    final List<String> jvmOpts;
    final List<String> mpirunOpts;
    /** Slurm only: "mpirun" or "srun". */
    final String launcher;
    /** SGE only: the parallel environment. */
    final String parallelEnvironment;
    final ClassPathMode classPathMode;
    /** GENERATED: the whole class path; RUN_TIME: the application's part, put before Cohort's (may be empty). */
    final String classPath;
    final String mainClass;
    final List<String> args;
    /** The command that writes this script again, for its header. */
    final List<String> commandLine;

    JobScript(Scheduler scheduler, int nodes, int ppn, Walltime walltime, String queue, String account, String name,
              List<String> modules, List<String> jvmOpts, List<String> mpirunOpts, String launcher,
              String parallelEnvironment, ClassPathMode classPathMode, String classPath, String mainClass,
              List<String> args, List<String> commandLine) {
        this.scheduler = scheduler;
        this.nodes = nodes;
        this.ppn = ppn;
        this.walltime = walltime;
        this.queue = queue;
        this.account = account;
        this.name = name;
        this.modules = List.copyOf(modules);
        this.jvmOpts = List.copyOf(jvmOpts);
        this.mpirunOpts = List.copyOf(mpirunOpts);
        this.launcher = launcher;
        this.parallelEnvironment = parallelEnvironment;
        this.classPathMode = classPathMode;
        this.classPath = classPath;
        this.mainClass = mainClass;
        this.args = List.copyOf(args);
        this.commandLine = List.copyOf(commandLine);
    }

    /** True when the ranks will run the ffm transport (--transport ffm, or that property among the JVM options). */
    boolean ffm() {
        return jvmOpts.contains("-Dcohort.transport=ffm");
    }

    int ranks() {
        return nodes * ppn;
    }

    /** The scheduler directives, one line each, in the order they appear in the script. */
    List<String> directives() {
        List<String> d = new ArrayList<>();
        String p = scheduler.prefix + " ";
        switch (scheduler) {
            case PBS:
                d.add(p + "-N " + name);
                d.add(p + "-l nodes=" + nodes + ":ppn=" + ppn);
                d.add(p + "-l walltime=" + walltime.hms());
                if (queue != null) d.add(p + "-q " + queue);
                if (account != null) d.add(p + "-A " + account);
                d.add(p + "-j oe");
                d.add(p + "-S /bin/bash");
                break;
            case SLURM:
                d.add(p + "--job-name=" + name);
                d.add(p + "--nodes=" + nodes);
                d.add(p + "--ntasks-per-node=" + ppn);
                d.add(p + "--time=" + walltime.slurm());
                if (queue != null) d.add(p + "--partition=" + queue);
                if (account != null) d.add(p + "--account=" + account);
                d.add(p + "--output=" + name + "-%j.out");
                break;
            case SGE:
                d.add(p + "-N " + name);
                d.add(p + "-pe " + parallelEnvironment + " " + ranks());
                d.add(p + "-l h_rt=" + walltime.hms());
                if (queue != null) d.add(p + "-q " + queue);
                if (account != null) d.add(p + "-A " + account);
                d.add(p + "-cwd");
                d.add(p + "-j y");
                d.add(p + "-S /bin/bash");
                break;
            default:
                throw new AssertionError(scheduler);
        }
        return d;
    }

    /** The whole script. */
    String render() {
        StringBuilder s = new StringBuilder();
        line(s, "#!/bin/bash");
        line(s, "# " + scheduler.title + " batch job: " + mainClass + " on " + nodes + (nodes == 1 ? " node" : " nodes")
                + " x " + ppn + " ranks per node = " + ranks() + " ranks, at most " + walltime.hms() + ".");
        line(s, "# Written by `cohort jobscript`; to write it again:");
        line(s, "#   " + oneLine(ShellQuote.join(commandLine)));
        line(s, "# Submit: " + scheduler.submitCommand + " THIS_FILE   " + statusHint());
        line(s, "#");
        line(s, "# " + scheduler.shortName + " reads the " + scheduler.prefix + " lines below (they must come before the first command):");
        for (String d : directives()) line(s, d);
        if (scheduler == Scheduler.SGE) {
            line(s, "# SGE grants " + ranks() + " slots; how many land on each node is the parallel environment's");
            line(s, "# allocation_rule (for " + ppn + " per node, use a PE whose allocation_rule is " + ppn + ").");
        }
        line(s, "");
        line(s, "# Stop at the first failing command.");
        line(s, "set -eo pipefail");
        line(s, "");
        if (!modules.isEmpty()) {
            line(s, "# Environment modules (a JDK, an MPI library, ...).");
            line(s, "if ! command -v module >/dev/null 2>&1; then");
            line(s, "    for f in /etc/profile.d/modules.sh /etc/profile.d/lmod.sh; do");
            line(s, "        if [ -r \"$f\" ]; then . \"$f\"; break; fi");
            line(s, "    done");
            line(s, "fi");
            for (String m : modules) line(s, "module load " + ShellQuote.quote(m));
            line(s, "");
        }
        ranksAndDirectory(s);
        line(s, "");
        line(s, "# The JVM: $JAVA_HOME/bin/java when JAVA_HOME is set, else java on PATH.");
        line(s, "JAVA=java");
        line(s, "if [ -n \"${JAVA_HOME:-}\" ]; then JAVA=$JAVA_HOME/bin/java; fi");
        line(s, "");
        boolean ffm = ffm();
        // every transport a job script runs (auto, openmpi, ffm) is an MPI one: see RankJvmOptions
        line(s, "# Transports ffm and openmpi hand the heap arrays themselves to MPI, whose single-copy transfers pin and");
        line(s, "# walk their pages: where the kernel gives transparent huge pages on request, the heap asks for them.");
        line(s, "# (" + RankJvmOptions.ALIGNMENT + " below keeps any two arrays a multiple of 32 bytes apart modulo");
        line(s, "# the page, away from the distances at which some CPUs copy between processes many times slower.)");
        line(s, "JAVA_THP=()");
        line(s, "case $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || true) in");
        line(s, "    *'[madvise]'*) JAVA_THP=(" + RankJvmOptions.HUGE_PAGES + ") ;;");
        line(s, "esac");
        line(s, "");
        classPath(s);
        line(s, "");
        boolean srun = scheduler == Scheduler.SLURM && "srun".equals(launcher);
        if (!srun) {
            line(s, "# Open MPI's mpirun refuses to run as root unless given --allow-run-as-root: add it only then.");
            line(s, "MPIRUN_OPTS=(" + ShellQuote.join(mpirunOpts) + ")");
            line(s, "if [ \"$(id -u)\" -eq 0 ]; then");
            line(s, "    case $(mpirun --version 2>&1 || true) in");
            line(s, "        *'Open MPI'*) MPIRUN_OPTS+=(--allow-run-as-root) ;;");
            line(s, "    esac");
            line(s, "fi");
            line(s, "");
        }
        List<String> java = new ArrayList<>(jvmOpts);
        // ffm calls the MPI library through java.lang.foreign, a restricted API
        if (ffm && jvmOpts.stream().noneMatch(o -> o.startsWith("--enable-native-access"))) java.add(0, "--enable-native-access=ALL-UNNAMED");
        String program = ShellQuote.join(java);
        String tail = ShellQuote.quote(mainClass) + (args.isEmpty() ? "" : " " + ShellQuote.join(args));
        if (srun) {
            line(s, "# Run: srun starts one JVM per task of this job (" + ranks() + " tasks). An MPI transport needs srun's");
            line(s, "# PMI support for the site's MPI library (e.g. add --mpi=pmix to --mpirun-opt for Open MPI).");
            line(s, "srun" + (mpirunOpts.isEmpty() ? "" : " " + ShellQuote.join(mpirunOpts)) + " \\");
        } else {
            line(s, "# Run: mpirun starts one JVM per rank on the allocated nodes.");
            line(s, "mpirun ${MPIRUN_OPTS[@]+\"${MPIRUN_OPTS[@]}\"} -np \"$NP\"" + hostsOption() + " \\");
        }
        // The class path first (Open MPI's mpirun rewrites the argument after a java program's first one
        // that contains "cp", MpirunJob), then Cohort's JVM options, so that the user's --jvm-opt after them win
        line(s, "    \"$JAVA\" -cp \"$CP\" " + RankJvmOptions.ALIGNMENT + " ${JAVA_THP[@]+\"${JAVA_THP[@]}\"}"
                + (program.isEmpty() ? "" : " " + program) + " " + tail);
        return s.toString();
    }

    private String statusHint() {
        switch (scheduler) {
            case SLURM:
                return "Watch: squeue -u \"$USER\"   Cancel: scancel JOBID";
            case PBS:
            case SGE:
                return "Watch: qstat -u \"$USER\"   Cancel: qdel JOBID";
            default:
                throw new AssertionError(scheduler);
        }
    }

    private void ranksAndDirectory(StringBuilder s) {
        switch (scheduler) {
            case PBS:
                line(s, "# PBS starts jobs in $HOME: go to the directory the job was submitted from.");
                line(s, "cd \"${PBS_O_WORKDIR:?is not set: submit this script with qsub}\"");
                line(s, "");
                line(s, "# The ranks: PBS lists each of the job's slots (nodes x ppn) as a line of $PBS_NODEFILE.");
                line(s, "NP=$(wc -l < \"${PBS_NODEFILE:?is not set: submit this script with qsub}\")");
                break;
            case SLURM:
                line(s, "# Slurm starts the job in the directory it was submitted from.");
                line(s, "# The ranks: the job's tasks (nodes x tasks per node).");
                line(s, ": \"${SLURM_JOB_ID:?is not set: submit this script with sbatch}\"");
                line(s, "NP=${SLURM_NTASKS:-$((SLURM_JOB_NUM_NODES * SLURM_NTASKS_PER_NODE))}");
                break;
            case SGE:
                line(s, "# -cwd starts the job in the directory it was submitted from.");
                line(s, "# The ranks: the slots granted to the job.");
                line(s, "NP=${NSLOTS:?is not set: submit this script with qsub}");
                break;
            default:
                throw new AssertionError(scheduler);
        }
    }

    /** PBS: the node file as the host list (MPI libraries without PBS support need it); others find the hosts. */
    private String hostsOption() {
        return scheduler == Scheduler.PBS ? " -machinefile \"$PBS_NODEFILE\"" : "";
    }

    private void classPath(StringBuilder s) {
        if (classPathMode == ClassPathMode.GENERATED) {
            line(s, "# The class path: the application, then the Cohort runtime and samples (`cohort classpath`),");
            line(s, "# as they were when this script was written.");
            line(s, "CP=" + ShellQuote.quote(classPath));
            return;
        }
        line(s, "# The class path of the Cohort runtime and samples, from the cohort command when the job starts:");
        line(s, "# $COHORT when set, else cohort on PATH (e.g. export PATH=/path/to/cohort/bin:$PATH before submitting).");
        line(s, "COHORT=${COHORT:-cohort}");
        line(s, "if ! command -v \"$COHORT\" >/dev/null 2>&1; then");
        line(s, "    echo \"$0: the cohort command ($COHORT) is not on PATH: add Cohort's bin/ to PATH or set COHORT\" >&2");
        line(s, "    exit 2");
        line(s, "fi");
        line(s, "CP=$(\"$COHORT\" classpath)");
        if (!classPath.isEmpty()) {
            line(s, "# The application first (relative entries are relative to the submission directory).");
            line(s, "CP=" + ShellQuote.quote(classPath) + ":$CP");
        }
    }

    /** A comment line must stay one line, whatever the arguments hold. */
    private static String oneLine(String text) {
        return text.replace("\r", "\\r").replace("\n", "\\n");
    }

    private static void line(StringBuilder s, String text) {
        s.append(text).append('\n');
    }
}
