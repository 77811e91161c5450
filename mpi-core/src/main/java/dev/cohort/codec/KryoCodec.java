package dev.cohort.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.SerializerFactory;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import dev.cohort.CohortException;
import dev.cohort.ErrorClass;
import org.objenesis.strategy.StdInstantiatorStrategy;

import java.util.Objects;

/**
 * The object codec, on Kryo 5, with a class policy against deserialization attacks.
 *
 * <h2>Which classes are accepted</h2>
 * A message names the classes of the objects in it, and decoding instantiates them; accepting any
 * class named by a peer lets that peer run code in this JVM (gadget chains). So only these classes
 * are accepted, on decode and (so that the sender learns early) on encode:
 * <ul>
 *   <li>classes registered in the {@link CodecPolicy}, which travel as IDs assigned in registration
 *       order, so every rank must register the same list;</li>
 *   <li>classes in one of the policy's allowed packages or a sub-package (including their records and
 *       enums), which travel by name;</li>
 *   <li>built-in safe types: primitives, boxes, String, BigInteger, BigDecimal, arrays of accepted
 *       types, the common java.util collections and maps, the unmodifiable ones made by List.of,
 *       Set.of, Map.of, Collections.unmodifiable*, Collections.empty*, Collections.singleton* and
 *       Arrays.asList, EnumSet, EnumMap, UUID, Optional, the java.time value types, a few JDK enums
 *       and the JDK's natural, reverse and case-insensitive comparators (see {@link BuiltinTypes});</li>
 *   <li>everything, when the policy {@linkplain CodecPolicy#allowAll() allows all}.</li>
 * </ul>
 * A refused class fails with a CODEC {@link CohortException} that names it and says how to allow it.
 * On decode the check is made on the class name read from the wire, before the class is loaded, so no
 * constructor, static initializer, readResolve or setter of a refused class ever runs (see
 * {@link PolicyClassResolver}). Kryo is used with registration not required, so that allowed packages
 * work without registering every class, and with its class resolver replaced by one that applies the
 * policy: the resolver is the one place every class from the wire goes through. Classes whose Kryo
 * serializer would be Java serialization (a {@code @DefaultSerializer(JavaSerializer.class)}
 * annotation) are refused unless the policy allows all, since ObjectInputStream bypasses the check.
 *
 * <p>Classes are resolved with the class loader given to the constructor, so ranks that run in one
 * JVM with their own class loaders each get their own classes.
 *
 * <h2>Objects</h2>
 * Shared and cyclic references are kept (Kryo references are on, tracked by a {@link ReferenceTable}:
 * Strings, boxes, enums and other immutable values are not tracked, and small graphs are looked up
 * without hashing, which keeps the cost small). Objects are created without calling
 * their constructors when they have no no-argument constructor (Objenesis), as Java serialization
 * does. Records are created through their canonical constructor. Lambdas cannot be sent. A reference
 * back to a record or an immutable JDK collection from inside its own components decodes as null,
 * because such objects only exist once their components have been read.
 *
 * <p>Malformed input (truncated, forged, or encoded with a different registration list) fails with
 * CODEC; lengths are checked against the message size before anything is allocated.
 *
 * <p>Not thread-safe: one instance per rank, used by one thread at a time. The output buffer and
 * input are reused between calls.
 */
public final class KryoCodec implements ObjectCodec {
    private static final int INITIAL_BUFFER = 4096;
    /** Output buffers that grew beyond this for a large message are dropped afterwards. */
    private static final int MAX_RETAINED_BUFFER = 1 << 20;
    private static final byte[] NO_BYTES = new byte[0];
    private static final int REBUILD_AFTER_FAILURES = 1024;

    private final CodecPolicy policy;
    private final ClassLoader loader;
    private final ClassFilter filter;
    private final BoundedInput input = new BoundedInput();
    private Output output = new Output(INITIAL_BUFFER, -1);
    /**
     * Survives failures: Kryo restores its depth and resets its per-message tables in finally blocks,
     * and optimized generics (whose stacks an exception can leave behind) are off. What remains of a
     * failed decode is a few ints on Kryo's stack of reference IDs, so Kryo is rebuilt (set to null)
     * every {@link #REBUILD_AFTER_FAILURES} failures to bound that.
     */
    private Kryo kryo;
    private int failures;
    private PolicyClassResolver resolver;

    /**
     * @param policy the classes to accept
     * @param loader the class loader classes named in messages are loaded with; null for the loader of
     *               this class
     */
    public KryoCodec(CodecPolicy policy, ClassLoader loader) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.loader = loader != null ? loader : KryoCodec.class.getClassLoader();
        this.filter = new ClassFilter(policy, BuiltinTypes.classes());
        try {
            this.kryo = newKryo();
        } catch (RefusedClassException e) {
            throw codecError(e.getMessage(), e);
        }
    }

    public CodecPolicy policy() {
        return policy;
    }

    private Kryo newKryo() {
        PolicyClassResolver r = new PolicyClassResolver(filter, loader);
        Kryo k = new Kryo(r, new ReferenceTable());
        k.setRegistrationRequired(false);
        k.setWarnUnregisteredClasses(false);
        k.setReferences(true);
        // Optimized generics save a class ID per element of a collection field with a final element
        // type, but keep stacks that an exception part-way through a message leaves inconsistent; a
        // codec must survive malformed messages, so they are off.
        k.setOptimizedGenerics(false);
        k.setClassLoader(loader);
        k.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        // arrays of any reference type: Kryo's serializer with a length check before allocation
        k.addDefaultSerializer(Object[].class, new SerializerFactory.BaseSerializerFactory<JdkSerializers.ObjectArraySerializer>() {
            @Override
            @SuppressWarnings("rawtypes")
            public JdkSerializers.ObjectArraySerializer newSerializer(Kryo kryo, Class type) {
                return new JdkSerializers.ObjectArraySerializer(kryo, type);
            }
        });
        BuiltinTypes.register(k);
        int id = BuiltinTypes.FIRST_POLICY_ID;
        for (Class<?> c : policy.registered()) k.register(c, id++);
        this.resolver = r;
        return k;
    }

    private Kryo kryo() {
        Kryo k = kryo;
        if (k == null) kryo = k = newKryo();
        return k;
    }

    @Override
    public byte[] encode(Object value) {
        Kryo k = kryo();
        resolver.decoding = false;
        Output out = output;
        out.reset();
        try {
            k.writeClassAndObject(out, value);
        } catch (RuntimeException | StackOverflowError e) {
            throw failure(e, "Cannot encode object of " + (value == null ? "null" : value.getClass().getName()));
        }
        byte[] bytes = out.toBytes();
        if (out.getBuffer().length > MAX_RETAINED_BUFFER) output = new Output(INITIAL_BUFFER, -1);
        return bytes;
    }

    @Override
    public Object decode(byte[] bytes, int offset, int length) {
        if (bytes == null) throw codecError("Cannot decode: the message buffer is null", null);
        if (offset < 0 || length < 0 || offset > bytes.length - length) {
            throw codecError("Cannot decode: offset " + offset + " and length " + length
                    + " are outside the buffer of " + bytes.length + " bytes", null);
        }
        if (length == 0) throw codecError("Cannot decode an empty message", null);
        Kryo k = kryo();
        resolver.decoding = true;
        BoundedInput in = input;
        in.setBuffer(bytes, offset, length);
        Object value;
        int left;
        try {
            value = k.readClassAndObject(in);
            left = offset + length - in.position();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // OutOfMemoryError: a last resort for a forged length that got past the checks; the failed
            // allocation is not retained
            throw failure(e, "Cannot decode object message of " + length + " bytes (malformed, truncated, or "
                    + "encoded with a different list of registered classes)");
        } finally {
            in.setBuffer(NO_BYTES);
        }
        if (left != 0) {
            throw codecError("Cannot decode object message of " + length + " bytes: " + left + " bytes left over "
                    + "after the object (malformed, or encoded with a different list of registered classes)", null);
        }
        return value;
    }

    private CohortException failure(Throwable t, String what) {
        Kryo k = kryo;
        if (k != null) {
            if (++failures % REBUILD_AFTER_FAILURES == 0) kryo = null;
            else k.reset();
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RefusedClassException) return codecError(c.getMessage(), c);
            if (c instanceof CohortException) return (CohortException) c;
            if (c.getCause() == c) break;
        }
        String detail = t instanceof StackOverflowError ? "the object graph is nested too deeply"
                : t instanceof OutOfMemoryError ? "out of memory (" + t.getMessage() + ")"
                : String.valueOf(t.getMessage());
        return codecError(what + ": " + detail, t);
    }

    private static CohortException codecError(String message, Throwable cause) {
        return new CohortException(ErrorClass.CODEC, -1, message, cause);
    }
}
