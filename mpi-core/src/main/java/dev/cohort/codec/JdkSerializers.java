package dev.cohort.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers;
import com.esotericsoftware.kryo.serializers.MapSerializer;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Serializers for JDK collection classes that Kryo's reflective FieldSerializer cannot handle on JDK 17
 * (their fields are in java.base, which is not open to reflection), plus bounded variants of Kryo's
 * serializers for the types whose size Kryo allocates up front.
 *
 * <p>All of them write the elements with {@link Kryo#writeClassAndObject}, so every element class is
 * checked by the policy like any other.
 *
 * <p>The immutable and unmodifiable collections are created after their elements have been read, so
 * (as for records) a reference back to such a collection from inside its own elements cannot be
 * restored; it decodes as null. Immutable collections cannot contain themselves directly, so this only
 * matters for cycles through a mutable object.
 */
final class JdkSerializers {
    private JdkSerializers() {
    }

    private static void writeElements(Kryo kryo, Output output, Collection<?> c) {
        output.writeVarInt(c.size(), true);
        for (Object e : c) kryo.writeClassAndObject(output, e);
    }

    private static void writeEntries(Kryo kryo, Output output, Map<?, ?> m) {
        output.writeVarInt(m.size(), true);
        for (Map.Entry<?, ?> e : m.entrySet()) {
            kryo.writeClassAndObject(output, e.getKey());
            kryo.writeClassAndObject(output, e.getValue());
        }
    }

    private static int readCount(Input input, int minBytesEach) {
        int n = input.readVarInt(true);
        BoundedInput.checkCount(input, n, minBytesEach);
        return n;
    }

    /** List.of, List.copyOf, Stream.toList and their sub-lists; decoded with List.of (Stream.toList when there are nulls). */
    static final class ImmutableListSerializer extends Serializer<List<Object>> {
        ImmutableListSerializer() {
            super(false, true);
        }

        @Override
        public void write(Kryo kryo, Output output, List<Object> list) {
            writeElements(kryo, output, list);
        }

        @Override
        public List<Object> read(Kryo kryo, Input input, Class<? extends List<Object>> type) {
            int n = readCount(input, 1);
            Object[] elements = new Object[n];
            boolean nulls = false;
            for (int i = 0; i < n; i++) {
                Object e = kryo.readClassAndObject(input);
                nulls |= e == null;
                elements[i] = e;
            }
            // Stream.toList() is the JDK's unmodifiable list that accepts nulls
            return nulls ? Arrays.stream(elements).toList() : List.of(elements);
        }
    }

    /** Set.of and Set.copyOf; decoded with Set.of. */
    static final class ImmutableSetSerializer extends Serializer<Set<Object>> {
        ImmutableSetSerializer() {
            super(false, true);
        }

        @Override
        public void write(Kryo kryo, Output output, Set<Object> set) {
            writeElements(kryo, output, set);
        }

        @Override
        public Set<Object> read(Kryo kryo, Input input, Class<? extends Set<Object>> type) {
            int n = readCount(input, 1);
            Object[] elements = new Object[n];
            for (int i = 0; i < n; i++) elements[i] = kryo.readClassAndObject(input);
            return Set.of(elements);
        }
    }

    /** Map.of, Map.ofEntries and Map.copyOf; decoded with Map.ofEntries. */
    static final class ImmutableMapSerializer extends Serializer<Map<Object, Object>> {
        ImmutableMapSerializer() {
            super(false, true);
        }

        @Override
        public void write(Kryo kryo, Output output, Map<Object, Object> map) {
            writeEntries(kryo, output, map);
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Map<Object, Object> read(Kryo kryo, Input input, Class<? extends Map<Object, Object>> type) {
            int n = readCount(input, 2);
            Map.Entry<Object, Object>[] entries = new Map.Entry[n];
            for (int i = 0; i < n; i++) {
                Object k = kryo.readClassAndObject(input);
                Object v = kryo.readClassAndObject(input);
                entries[i] = Map.entry(k, v);
            }
            return Map.ofEntries(entries);
        }
    }

    /** What a Collections.unmodifiable* wrapper wraps, which decides what it is decoded as. */
    enum Shape {
        COLLECTION, LIST, SET, SORTED_SET, NAVIGABLE_SET, MAP, SORTED_MAP, NAVIGABLE_MAP;

        boolean isMap() {
            return ordinal() >= MAP.ordinal();
        }

        boolean isSorted() {
            return this == SORTED_SET || this == NAVIGABLE_SET || this == SORTED_MAP || this == NAVIGABLE_MAP;
        }
    }

    /**
     * The Collections.unmodifiable* wrappers (and Collections.emptySortedSet/emptyNavigableMap, which
     * are such wrappers): written as their contents (plus the comparator of sorted ones), decoded as
     * the same kind of wrapper around an ArrayList, LinkedHashSet, TreeSet, LinkedHashMap or TreeMap,
     * so iteration order is kept.
     */
    static final class UnmodifiableSerializer extends Serializer<Object> {
        private final Shape shape;

        UnmodifiableSerializer(Shape shape) {
            super(false, true);
            this.shape = shape;
        }

        @Override
        public void write(Kryo kryo, Output output, Object object) {
            if (shape.isSorted()) {
                Comparator<?> c = shape.isMap() ? ((SortedMap<?, ?>) object).comparator()
                        : ((SortedSet<?>) object).comparator();
                kryo.writeClassAndObject(output, c);
            }
            if (shape.isMap()) writeEntries(kryo, output, (Map<?, ?>) object);
            else writeElements(kryo, output, (Collection<?>) object);
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
            Comparator<Object> comparator = shape.isSorted() ? (Comparator<Object>) kryo.readClassAndObject(input) : null;
            if (shape.isMap()) {
                int n = readCount(input, 2);
                Map<Object, Object> m = shape.isSorted() ? new TreeMap<>(comparator) : new LinkedHashMap<>(capacity(n));
                for (int i = 0; i < n; i++) {
                    Object k = kryo.readClassAndObject(input);
                    m.put(k, kryo.readClassAndObject(input));
                }
                switch (shape) {
                    case SORTED_MAP: return Collections.unmodifiableSortedMap((SortedMap) m);
                    case NAVIGABLE_MAP: return Collections.unmodifiableNavigableMap((TreeMap) m);
                    default: return Collections.unmodifiableMap(m);
                }
            }
            int n = readCount(input, 1);
            Collection<Object> c;
            switch (shape) {
                case SET: c = new LinkedHashSet<>(capacity(n)); break;
                case SORTED_SET:
                case NAVIGABLE_SET: c = new TreeSet<>(comparator); break;
                default: c = new ArrayList<>(n);
            }
            for (int i = 0; i < n; i++) c.add(kryo.readClassAndObject(input));
            switch (shape) {
                case LIST: return Collections.unmodifiableList((List<Object>) c);
                case SET: return Collections.unmodifiableSet((Set<Object>) c);
                case SORTED_SET: return Collections.unmodifiableSortedSet((SortedSet<Object>) c);
                case NAVIGABLE_SET: return Collections.unmodifiableNavigableSet((TreeSet<Object>) c);
                default: return Collections.unmodifiableCollection(c);
            }
        }
    }

    private static int capacity(int size) {
        return size < 3 ? size + 1 : (int) Math.min(1 << 30, (long) (size / 0.75f) + 1);
    }

    /**
     * EnumMap: the key enum class (checked by the policy like any class), then ordinal and value per
     * entry. An empty EnumMap has no key to take the key type from and its field is not accessible on
     * JDK 17, so it is read through sun.misc.Unsafe (which Kryo uses anyway) when that is available.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final class EnumMapSerializer extends Serializer<EnumMap> {
        private static final Object UNSAFE;
        private static final Method GET_OBJECT;
        private static final long KEY_TYPE_OFFSET;

        static {
            Object unsafe = null;
            Method getObject = null;
            long offset = -1;
            try {
                unsafe = Class.forName("com.esotericsoftware.kryo.unsafe.UnsafeUtil").getField("unsafe").get(null);
                if (unsafe != null) {
                    Field keyType = EnumMap.class.getDeclaredField("keyType");
                    offset = (Long) unsafe.getClass().getMethod("objectFieldOffset", Field.class).invoke(unsafe, keyType);
                    getObject = unsafe.getClass().getMethod("getObject", Object.class, long.class);
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                offset = -1;
            }
            UNSAFE = unsafe;
            GET_OBJECT = getObject;
            KEY_TYPE_OFFSET = offset;
        }

        EnumMapSerializer() {
            super(false, false);
        }

        private static Class<?> keyType(EnumMap map) {
            if (!map.isEmpty()) return ((Enum<?>) map.keySet().iterator().next()).getDeclaringClass();
            if (KEY_TYPE_OFFSET >= 0) {
                try {
                    return (Class<?>) GET_OBJECT.invoke(UNSAFE, map, KEY_TYPE_OFFSET);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // fall through
                }
            }
            throw new KryoException("The key type of an empty EnumMap is not accessible on this JVM; "
                    + "send a HashMap or a non-empty EnumMap instead");
        }

        @Override
        public void write(Kryo kryo, Output output, EnumMap map) {
            kryo.writeClass(output, keyType(map));
            output.writeVarInt(map.size(), true);
            for (Object o : map.entrySet()) {
                Map.Entry e = (Map.Entry) o;
                output.writeVarInt(((Enum<?>) e.getKey()).ordinal(), true);
                kryo.writeClassAndObject(output, e.getValue());
            }
        }

        @Override
        public EnumMap read(Kryo kryo, Input input, Class<? extends EnumMap> type) {
            Registration r = kryo.readClass(input);
            if (r == null || !r.getType().isEnum()) throw new KryoException("Malformed message: EnumMap key type is not an enum");
            Class keyType = r.getType();
            Object[] constants = keyType.getEnumConstants();
            EnumMap map = new EnumMap(keyType);
            kryo.reference(map);
            int n = readCount(input, 2);
            for (int i = 0; i < n; i++) {
                int ordinal = input.readVarInt(true);
                if (ordinal < 0 || ordinal >= constants.length) {
                    throw new KryoException("Malformed message: no constant " + ordinal + " in " + keyType.getName());
                }
                map.put((Enum) constants[ordinal], kryo.readClassAndObject(input));
            }
            return map;
        }
    }

    /** A stateless JDK singleton (such as Collections.reverseOrder()): nothing is written, the same instance is read. */
    static final class ConstantSerializer extends Serializer<Object> {
        private final Object instance;

        ConstantSerializer(Object instance) {
            super(false, true);
            this.instance = instance;
        }

        @Override
        public void write(Kryo kryo, Output output, Object object) {
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
            return instance;
        }
    }

    /** ArrayList, presized only after checking that the announced size fits in the message. */
    @SuppressWarnings("rawtypes")
    static final class ArrayListSerializer extends CollectionSerializer<ArrayList> {
        @Override
        protected ArrayList create(Kryo kryo, Input input, Class<? extends ArrayList> type, int size) {
            BoundedInput.checkCount(input, size, 1);
            return new ArrayList<>(size);
        }
    }

    /** HashMap, presized only after checking that the announced size fits in the message. */
    @SuppressWarnings("rawtypes")
    static final class HashMapSerializer extends MapSerializer<HashMap> {
        @Override
        protected HashMap create(Kryo kryo, Input input, Class<? extends HashMap> type, int size) {
            BoundedInput.checkCount(input, size, 2);
            return new HashMap<>(capacity(size));
        }
    }

    /** Arrays of objects (Kryo's serializer), length checked before the array is allocated. */
    static final class ObjectArraySerializer extends DefaultArraySerializers.ObjectArraySerializer {
        ObjectArraySerializer(Kryo kryo, Class<?> type) {
            super(kryo, type);
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Object[] read(Kryo kryo, Input input, Class type) {
            BoundedInput.checkNextLength(input);
            return super.read(kryo, input, type);
        }
    }

    /** String[] (Kryo's serializer), length checked before the array is allocated. */
    static final class StringArraySerializer extends DefaultArraySerializers.StringArraySerializer {
        @Override
        @SuppressWarnings("rawtypes")
        public String[] read(Kryo kryo, Input input, Class type) {
            BoundedInput.checkNextLength(input);
            return super.read(kryo, input, type);
        }
    }

    /** boolean[] (Kryo's serializer), length checked before the array is allocated. */
    static final class BooleanArraySerializer extends DefaultArraySerializers.BooleanArraySerializer {
        @Override
        @SuppressWarnings("rawtypes")
        public boolean[] read(Kryo kryo, Input input, Class type) {
            BoundedInput.checkNextLength(input);
            return super.read(kryo, input, type);
        }
    }
}
