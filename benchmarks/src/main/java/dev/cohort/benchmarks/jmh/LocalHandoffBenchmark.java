package dev.cohort.benchmarks.jmh;

import dev.cohort.benchmarks.BufferType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Round trip of a blocking send/recv ping-pong between two thread ranks of one JVM (the local
 * transport's hand-off), for byte[] and double[] messages of 8 bytes and 64 KiB. The score is
 * nanoseconds per round trip (twice OSU's latency). With {@code -prof gc}, gc.alloc.rate.norm is the
 * bytes allocated per round trip by every thread (both ranks, both directions).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@OperationsPerInvocation(LocalHandoffBenchmark.BATCH)
public class LocalHandoffBenchmark {
    /** Round trips per invocation: amortizes the hand-off to the rank threads. */
    static final int BATCH = 10_000;

    @Param({"8", "65536"})
    int bytes;

    @Param({"byte", "double"})
    String type;

    private PingPongPair pair;

    @Setup(Level.Trial)
    public void start() {
        pair = PingPongPair.start(BufferType.parse(type), bytes);
    }

    @TearDown(Level.Trial)
    public void stop() {
        pair.close();
    }

    @Benchmark
    public void roundTrip() {
        pair.roundTrips(BATCH);
    }
}
