package dev.cohort.launch;

import java.util.Locale;

/** The batch schedulers {@code cohort jobscript} writes scripts for, with what differs between them. */
enum Scheduler {
    PBS("pbs", "PBS", "PBS (Torque, OpenPBS, PBS Pro)", "#PBS", "qsub"),
    SLURM("slurm", "Slurm", "Slurm", "#SBATCH", "sbatch"),
    SGE("sge", "Grid Engine", "Grid Engine (SGE, Son of Grid Engine, Univa/Altair GE)", "#$", "qsub");

    /** The subcommand name and the default file extension. */
    final String id;
    /** Its short name. */
    final String shortName;
    /** The name users know it by, with its variants. */
    final String title;
    /** The prefix of its directive lines. */
    final String prefix;
    /** The command that submits a script. */
    final String submitCommand;

    Scheduler(String id, String shortName, String title, String prefix, String submitCommand) {
        this.id = id;
        this.shortName = shortName;
        this.title = title;
        this.prefix = prefix;
        this.submitCommand = submitCommand;
    }

    /** The scheduler named {@code name} (case-insensitive), or a UsageException listing the choices. */
    static Scheduler named(String name) {
        for (Scheduler s : values()) if (s.id.equals(name.toLowerCase(Locale.ROOT))) return s;
        throw new UsageException("unknown scheduler '" + name + "'; choose pbs, slurm or sge");
    }
}
