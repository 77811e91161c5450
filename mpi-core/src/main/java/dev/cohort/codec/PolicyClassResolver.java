package dev.cohort.codec;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.IntMap;

import java.util.HashMap;
import java.util.Map;

/**
 * Kryo's class resolver with the codec policy built in.
 *
 * <p>Kryo runs with registration not required: registered and built-in classes travel as small
 * integer IDs, any other class as its name (once per message, then as a name ID). That is where the
 * attack surface is, so this resolver checks both ways a class can enter Kryo:
 * <ul>
 *   <li>{@link #readName}: a class name read from the wire is checked against the policy <em>before</em>
 *       it is loaded, so a refused class is never loaded, initialized or instantiated, and it is loaded
 *       with the rank's class loader;</li>
 *   <li>{@link #registerImplicit}: every class that is neither registered nor built in passes here the
 *       first time Kryo needs a serializer for it, whether it is being encoded (so the sender learns
 *       early) or decoded through a path that does not read a name (a field whose declared type is
 *       final, the element type of an array or EnumSet).</li>
 * </ul>
 * Classes arriving as IDs need no check: only the policy's and the codec's own classes have IDs.
 */
final class PolicyClassResolver extends DefaultClassResolver {
    private final ClassFilter filter;
    private final ClassLoader loader;
    /** Names already checked and loaded: saves the check and the class loader lookup per message. */
    private final Map<String, Class<?>> loaded = new HashMap<>();
    /** Whether the codec is decoding (only changes the wording of refusal messages). */
    boolean decoding;

    PolicyClassResolver(ClassFilter filter, ClassLoader loader) {
        this.filter = filter;
        this.loader = loader;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Registration registerImplicit(Class type) {
        if (!filter.allows(type)) throw filter.refusal(type, decoding);
        return super.registerImplicit(type);
    }

    /**
     * Every registration, explicit or implicit, passes here. A class whose serializer is Kryo's
     * JavaSerializer (chosen by a {@code @DefaultSerializer} annotation) would have its contents read
     * by an ObjectInputStream, which names and instantiates classes without asking this resolver; so
     * unless the policy allows all, such classes are refused.
     */
    @Override
    public Registration register(Registration registration) {
        if (registration.getSerializer() instanceof JavaSerializer && !filter.allowsEverything()) {
            String name = registration.getType().getName();
            throw new RefusedClassException(name, "Object codec refuses class " + name + ": its Kryo serializer is "
                    + "JavaSerializer, whose ObjectInputStream would bypass the codec's class policy. Remove its "
                    + "@DefaultSerializer(JavaSerializer.class) annotation, or use CodecPolicy.builder().allowAll() "
                    + "between trusted ranks.");
        }
        return super.register(registration);
    }

    @Override
    @SuppressWarnings("rawtypes")
    protected Registration readName(Input input) {
        int nameId = input.readVarInt(true);
        if (nameIdToClass == null) nameIdToClass = new IntMap<>();
        Class type = nameIdToClass.get(nameId);
        if (type == null) {
            String name = input.readString();
            if (name == null || name.isEmpty()) throw new KryoException("Malformed message: empty class name");
            type = loaded.get(name);
            if (type == null) {
                if (!filter.allowsName(name)) throw filter.refusal(name, true);
                try {
                    type = Class.forName(name, false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new KryoException("Unable to find class " + name + " with class loader " + loader, e);
                }
                loaded.put(name, type);
            }
            nameIdToClass.put(nameId, type);
        }
        return kryo.getRegistration(type);
    }
}
