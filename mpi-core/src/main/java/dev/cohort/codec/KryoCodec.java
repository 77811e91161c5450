package dev.cohort.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/** TEMPORARY stub, not committed. */
public final class KryoCodec implements ObjectCodec {
    private final Kryo kryo = new Kryo();
    private final Output out = new Output(4096, -1);

    public KryoCodec(CodecPolicy policy, ClassLoader loader) {
        kryo.setRegistrationRequired(false);
        kryo.setReferences(true);
        if (loader != null) kryo.setClassLoader(loader);
    }

    public byte[] encode(Object value) {
        out.reset();
        kryo.writeClassAndObject(out, value);
        return out.toBytes();
    }

    public Object decode(byte[] bytes, int offset, int length) {
        return kryo.readClassAndObject(new Input(bytes, offset, length));
    }
}
