package dev.cohort.launch.testapps;

import java.lang.management.ManagementFactory;

/** Prints the options the JVM was started with, one per line after "jvm-arg ", without starting Cohort. */
public final class PrintJvmArgs {
    private PrintJvmArgs() {
    }

    public static void main(String[] args) {
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) System.out.println("jvm-arg " + a);
    }
}
