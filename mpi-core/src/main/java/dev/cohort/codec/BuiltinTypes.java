package dev.cohort.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.cohort.codec.JdkSerializers.Shape;

/**
 * The codec's built-in safe types and their fixed Kryo registration IDs.
 *
 * <p>Every built-in type has its own ID, fixed here, so that the wire format does not depend on the
 * JDK: a class that a JVM does not have simply leaves its ID unused. Kryo itself takes IDs 0-9 (the
 * primitives, their boxes and String); the policy's registered classes start at
 * {@link #FIRST_POLICY_ID}. Changing an ID here changes the wire format.
 */
final class BuiltinTypes {
    /** The ID of the policy's first registered class; the next ones follow in registration order. */
    static final int FIRST_POLICY_ID = 100;

    private record Entry(int id, Class<?> type, Function<Kryo, Serializer<?>> serializer) {
    }

    private static final List<Entry> ENTRIES = entries();

    /** Primitives, boxes and String: registered by Kryo itself. */
    private static final List<Class<?>> KRYO_OWN = List.of(int.class, String.class, float.class, boolean.class,
            byte.class, char.class, short.class, long.class, double.class, void.class, Integer.class, Float.class,
            Boolean.class, Byte.class, Character.class, Short.class, Long.class, Double.class, Void.class);

    private BuiltinTypes() {
    }

    /** Every built-in safe class (the ones this JVM has). */
    static List<Class<?>> classes() {
        List<Class<?>> all = new ArrayList<>(KRYO_OWN);
        for (Entry e : ENTRIES) all.add(e.type);
        return all;
    }

    /** Registers the built-in types with their IDs and serializers. */
    static void register(Kryo kryo) {
        for (Entry e : ENTRIES) {
            if (e.serializer == null) kryo.register(e.type, e.id);
            else kryo.register(e.type, e.serializer.apply(kryo), e.id);
        }
    }

    private static List<Entry> entries() {
        List<Entry> l = new ArrayList<>();
        // Arrays. Object[] and boolean[]/String[] check their length before allocating; the other
        // primitive arrays are read through BoundedInput, which does.
        add(l, 10, byte[].class, null);
        add(l, 11, char[].class, null);
        add(l, 12, short[].class, null);
        add(l, 13, int[].class, null);
        add(l, 14, long[].class, null);
        add(l, 15, float[].class, null);
        add(l, 16, double[].class, null);
        add(l, 17, boolean[].class, k -> new JdkSerializers.BooleanArraySerializer());
        add(l, 18, String[].class, k -> new JdkSerializers.StringArraySerializer());
        add(l, 19, Object[].class, k -> new JdkSerializers.ObjectArraySerializer(k, Object[].class));
        add(l, 20, BigInteger.class, null);
        add(l, 21, BigDecimal.class, null);
        // Mutable collections and maps: Kryo's serializers (TreeSet/TreeMap keep their comparator).
        add(l, 22, ArrayList.class, k -> new JdkSerializers.ArrayListSerializer());
        add(l, 23, LinkedList.class, null);
        add(l, 24, ArrayDeque.class, null);
        add(l, 25, HashSet.class, null);
        add(l, 26, LinkedHashSet.class, null);
        add(l, 27, TreeSet.class, null);
        add(l, 28, HashMap.class, k -> new JdkSerializers.HashMapSerializer());
        add(l, 29, LinkedHashMap.class, null);
        add(l, 30, TreeMap.class, null);
        add(l, 31, EnumSet.class, null);
        add(l, 32, EnumMap.class, k -> new JdkSerializers.EnumMapSerializer());
        add(l, 33, UUID.class, k -> new DefaultSerializers.UUIDSerializer());
        add(l, 34, Optional.class, null);
        add(l, 35, OptionalInt.class, null);
        add(l, 36, OptionalLong.class, null);
        add(l, 37, OptionalDouble.class, null);
        // List.of / Set.of / Map.of and friends (java.util.ImmutableCollections)
        add(l, 40, "java.util.ImmutableCollections$List12", k -> new JdkSerializers.ImmutableListSerializer());
        add(l, 41, "java.util.ImmutableCollections$ListN", k -> new JdkSerializers.ImmutableListSerializer());
        add(l, 42, "java.util.ImmutableCollections$SubList", k -> new JdkSerializers.ImmutableListSerializer());
        add(l, 43, "java.util.ImmutableCollections$Set12", k -> new JdkSerializers.ImmutableSetSerializer());
        add(l, 44, "java.util.ImmutableCollections$SetN", k -> new JdkSerializers.ImmutableSetSerializer());
        add(l, 45, "java.util.ImmutableCollections$Map1", k -> new JdkSerializers.ImmutableMapSerializer());
        add(l, 46, "java.util.ImmutableCollections$MapN", k -> new JdkSerializers.ImmutableMapSerializer());
        // Collections.empty*/singleton* and Arrays.asList: Kryo's serializers
        add(l, 50, Collections.emptyList().getClass(), null);
        add(l, 51, Collections.emptySet().getClass(), null);
        add(l, 52, Collections.emptyMap().getClass(), null);
        add(l, 53, Collections.singletonList(null).getClass(), null);
        add(l, 54, Collections.singleton(null).getClass(), null);
        add(l, 55, Collections.singletonMap(null, null).getClass(), null);
        add(l, 56, Arrays.asList().getClass(), null);
        // Collections.unmodifiable*
        unmodifiable(l, 60, "UnmodifiableCollection", Shape.COLLECTION);
        unmodifiable(l, 61, "UnmodifiableList", Shape.LIST);
        unmodifiable(l, 62, "UnmodifiableRandomAccessList", Shape.LIST);
        unmodifiable(l, 63, "UnmodifiableSet", Shape.SET);
        unmodifiable(l, 64, "UnmodifiableSortedSet", Shape.SORTED_SET);
        unmodifiable(l, 65, "UnmodifiableNavigableSet", Shape.NAVIGABLE_SET);
        unmodifiable(l, 66, "UnmodifiableNavigableSet$EmptyNavigableSet", Shape.NAVIGABLE_SET);
        unmodifiable(l, 67, "UnmodifiableMap", Shape.MAP);
        unmodifiable(l, 68, "UnmodifiableSortedMap", Shape.SORTED_MAP);
        unmodifiable(l, 69, "UnmodifiableNavigableMap", Shape.NAVIGABLE_MAP);
        unmodifiable(l, 70, "UnmodifiableNavigableMap$EmptyNavigableMap", Shape.NAVIGABLE_MAP);
        // java.time value types and a few JDK enums: Kryo's serializers
        add(l, 75, Duration.class, null);
        add(l, 76, Instant.class, null);
        add(l, 77, LocalDate.class, null);
        add(l, 78, LocalTime.class, null);
        add(l, 79, LocalDateTime.class, null);
        add(l, 80, OffsetTime.class, null);
        add(l, 81, OffsetDateTime.class, null);
        add(l, 82, ZonedDateTime.class, null);
        add(l, 83, ZoneOffset.class, null);
        add(l, 84, "java.time.ZoneRegion", null);
        add(l, 85, Year.class, null);
        add(l, 86, YearMonth.class, null);
        add(l, 87, MonthDay.class, null);
        add(l, 88, Period.class, null);
        add(l, 89, DayOfWeek.class, null);
        add(l, 90, Month.class, null);
        add(l, 91, ChronoUnit.class, null);
        add(l, 92, TimeUnit.class, null);
        add(l, 93, RoundingMode.class, null);
        // the JDK's stateless comparators, so that sorted collections using them can be sent
        add(l, 94, Collections.reverseOrder().getClass(), k -> new JdkSerializers.ConstantSerializer(Collections.reverseOrder()));
        add(l, 95, Comparator.naturalOrder().getClass(), k -> new JdkSerializers.ConstantSerializer(Comparator.naturalOrder()));
        add(l, 96, String.CASE_INSENSITIVE_ORDER.getClass(), k -> new JdkSerializers.ConstantSerializer(String.CASE_INSENSITIVE_ORDER));
        // 97..99 are free; policy classes start at 100
        return List.copyOf(l);
    }

    private static void add(List<Entry> l, int id, Class<?> type, Function<Kryo, Serializer<?>> serializer) {
        if (id >= FIRST_POLICY_ID) throw new AssertionError("built-in ID " + id + " collides with policy IDs");
        l.add(new Entry(id, type, serializer));
    }

    private static void add(List<Entry> l, int id, String className, Function<Kryo, Serializer<?>> serializer) {
        try {
            add(l, id, Class.forName(className, false, null), serializer);
        } catch (ClassNotFoundException e) {
            // not in this JDK: its ID stays unused
        }
    }

    private static void unmodifiable(List<Entry> l, int id, String nestedName, Shape shape) {
        add(l, id, "java.util.Collections$" + nestedName, k -> new JdkSerializers.UnmodifiableSerializer(shape));
    }
}
