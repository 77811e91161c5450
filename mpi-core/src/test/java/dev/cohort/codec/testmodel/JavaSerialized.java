package dev.cohort.codec.testmodel;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;

import java.io.Serializable;

/** An allowed class that asks Kryo for Java serialization, whose ObjectInputStream would bypass the policy. */
@DefaultSerializer(JavaSerializer.class)
public class JavaSerialized implements Serializable {
    private static final long serialVersionUID = 1L;

    public Object payload;
}
