package dev.cohort.launch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cohort jobscript}: the scheduler is a subcommand (pbs, slurm, sge); anything else is one error line. */
@Command(name = "jobscript",
        mixinStandardHelpOptions = true,
        description = {
                "Write a batch job script that runs a Cohort program on a cluster, and optionally submit it.",
                "",
                "The script asks the scheduler for NODES x PPN slots, loads your environment modules, and "
                        + "starts one JVM per rank with `mpirun -np $NP java -cp CLASSPATH OPTS MAIN ARGS`, "
                        + "$NP being the slots the scheduler granted. Your arguments are quoted for the shell: "
                        + "spaces, quotes, $ and backticks reach main() unchanged. Under Open MPI as root the "
                        + "script adds --allow-run-as-root by itself. Every script is commented and names the "
                        + "command that wrote it: read it, edit it, submit it again.",
                "",
                "The class path is this installation's (`cohort classpath`) as it is now, after your -cp. "
                        + "With --classpath-at-run-time the job asks `cohort classpath` when it starts instead, "
                        + "so the script holds no paths of this machine.",
                "",
                "Examples:",
                "  cohort jobscript slurm --nodes 2 --ppn 4 --walltime 00:30:00 \\",
                "      -o hello.slurm dev.cohort.samples.Hello",
                "  sbatch hello.slurm",
                "",
                "  cohort jobscript pbs --nodes 4 --ppn 16 --walltime 12:00:00 \\",
                "      --queue batch --account proj42 --module openmpi --jvm-opt -Xmx8g \\",
                "      -cp classes --submit org.example.Solve 'input 1.dat'",
                "",
                "  cohort jobscript sge --nodes 2 --ppn 8 --walltime 01:00:00 --pe orte \\",
                "      -jar solver.jar --tol 1e-9",
                "",
                "`cohort jobscript SCHEDULER --help` lists every option."},
        synopsisSubcommandLabel = "(pbs | slurm | sge)",
        subcommands = {JobCommand.Pbs.class, JobCommand.Slurm.class, JobCommand.Sge.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the script was written (and submitted)", "1:the submit command failed",
                "2:bad usage or input; nothing was written"})
final class JobScriptCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** Whatever came instead of a scheduler name. */
    @Parameters(arity = "0..*", hidden = true)
    private List<String> rest = new ArrayList<>();

    @Override
    public Integer call() {
        if (rest.isEmpty() || rest.get(0).startsWith("-")) {
            throw new UsageException("missing the scheduler: cohort jobscript (pbs | slurm | sge) OPTIONS...");
        }
        Scheduler.named(rest.get(0));
        throw new UsageException("unknown scheduler '" + rest.get(0) + "'; choose pbs, slurm or sge");
    }
}
