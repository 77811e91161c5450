package dev.cohort.launch;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Stack;

/**
 * Takes an option's value as it is, for the options whose values are another program's options
 * ({@code --jvm-opt}, {@code --mpirun-opt}): picocli would refuse a value that is also one of ours,
 * as {@code --mpirun-opt=--tag-output} is.
 */
final class VerbatimValue implements CommandLine.IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
        if (args.isEmpty()) {   // it is only ever an option's consumer
            throw new CommandLine.ParameterException(commandSpec.commandLine(), "Missing " + argSpec.paramLabel()
                    + " after " + ((CommandLine.Model.OptionSpec) argSpec).longestName());
        }
        List<String> values = argSpec.getValue();
        if (values == null) {
            values = new ArrayList<>();
            argSpec.setValue(values);
        }
        values.add(args.pop());
    }
}
