package dev.cohort.benchmarks.jmh;

import dev.cohort.benchmarks.SampleObjects;
import dev.cohort.codec.CodecPolicy;
import dev.cohort.codec.KryoCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The object path's codec alone: encode and decode of the objlatency objects with the session codec
 * (KryoCodec with the default policy), on one thread. Subtracting twice encode + decode from
 * objlatency's round trip gives the transport's share of an object message.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CodecBenchmark {
    /** small-dict: {a:1, b:[1,2,3], c:"hello"}; list10k: an ArrayList of 10,000 Doubles. */
    @Param({"small-dict", "list10k"})
    String object;

    private KryoCodec codec;
    private Object value;
    private byte[] encoded;

    @Setup(Level.Trial)
    public void setUp() {
        codec = new KryoCodec(CodecPolicy.builder().build(), CodecBenchmark.class.getClassLoader());
        value = SampleObjects.byName(object);
        encoded = codec.encode(value);
        Object back = codec.decode(encoded, 0, encoded.length);
        if (!value.equals(back)) throw new IllegalStateException("codec round trip changed " + object);
    }

    @Benchmark
    public byte[] encode() {
        return codec.encode(value);
    }

    @Benchmark
    public Object decode() {
        return codec.decode(encoded, 0, encoded.length);
    }

    @Benchmark
    public Object encodeDecode() {
        byte[] b = codec.encode(value);
        return codec.decode(b, 0, b.length);
    }
}
