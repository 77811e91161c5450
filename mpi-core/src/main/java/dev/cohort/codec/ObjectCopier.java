package dev.cohort.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Copies an object message without encoding it, for a transport whose ranks share one heap (the local
 * transport): the receiver gets its own copy of every mutable part of the graph, and the immutable
 * values (Strings, boxes, ...) are shared, since no rank can change them.
 *
 * <p>Only a closed set of JDK classes is copied, each matched by its exact class: the boxes, String,
 * BigInteger, BigDecimal, UUID and a few java.time values (shared); ArrayList, LinkedList, ArrayDeque,
 * HashMap, LinkedHashMap, HashSet, LinkedHashSet, TreeMap and TreeSet without a comparator, Object[]
 * and primitive arrays (copied). The codec accepts all of them under every policy, so a program that
 * sends them on the local transport sends them unchanged under MPI. Anything else anywhere in the
 * graph (a user class, a JDK class not listed, a subclass of a listed one) makes {@link #copy} return
 * {@link #UNSUPPORTED}, and the caller encodes the message as usual; so do graphs nested deeper than
 * {@value #MAX_DEPTH}, which the codec handles without the copier's recursion.
 *
 * <p>Shared references and cycles survive, as they do through the codec: every copied container is
 * remembered by identity, so a second reference to it gets the same copy. User classes are never
 * shared between ranks, because under {@code bin/cohort run} each rank loads them through its own
 * class loader; the classes copied here come from the JDK, which all ranks share.
 */
public final class ObjectCopier {
    /** What {@link #copy} returns for a graph it does not copy: encode it instead. */
    public static final Object UNSUPPORTED = new Object();
    /** Containers nested deeper than this are left to the codec. */
    static final int MAX_DEPTH = 64;
    /** Containers of one message searched linearly before an identity map takes over. */
    private static final int LINEAR = 16;

    private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Integer.class, Long.class, Double.class,
            Float.class, Short.class, Byte.class, Character.class, Boolean.class, BigInteger.class,
            BigDecimal.class, UUID.class, Instant.class, Duration.class, LocalDate.class, LocalTime.class,
            LocalDateTime.class);

    /** Thrown (without a stack trace) when the graph holds something not copied here. */
    private static final class Unsupported extends RuntimeException {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private static final Unsupported UNSUPPORTED_GRAPH = new Unsupported();

    /** Originals and their copies, interleaved, for the first LINEAR containers. */
    private Object[] pairs;
    private int count;
    private IdentityHashMap<Object, Object> more;

    private ObjectCopier() {
    }

    /**
     * Returns a copy of {@code value} that shares no mutable state with it (null for null), or
     * {@link #UNSUPPORTED} when the graph holds a class this copier does not handle.
     */
    public static Object copy(Object value) {
        if (value == null || immutable(value.getClass())) return value;
        try {
            return new ObjectCopier().copyOf(value, 0);
        } catch (Unsupported e) {
            return UNSUPPORTED;
        }
    }

    /** Whether instances of {@code c} are shared rather than copied (the commonest classes without a set lookup). */
    private static boolean immutable(Class<?> c) {
        return c == String.class || c == Integer.class || c == Double.class || c == Long.class || IMMUTABLE.contains(c);
    }

    private Object copyOf(Object v, int depth) {
        if (v == null) return null;
        Class<?> c = v.getClass();
        if (immutable(c)) return v;
        Object seen = seen(v);
        if (seen != null) return seen;
        if (depth >= MAX_DEPTH) throw UNSUPPORTED_GRAPH;
        int d = depth + 1;
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> to = emptyMap(c, m);
            if (to != null) return fillMap(m, remember(v, to), d);
        } else if (v instanceof Collection<?> from) {
            Collection<Object> to = emptyCollection(c, from);
            if (to != null) return fill(from, remember(v, to), d);
        } else if (c == Object[].class) {
            Object[] a = (Object[]) v;
            Object[] b = remember(v, new Object[a.length]);
            for (int i = 0; i < a.length; i++) b[i] = copyOf(a[i], d);
            return b;
        } else if (c.isArray()) {
            Class<?> e = c.getComponentType();
            if (e.isPrimitive() || immutable(e)) return remember(v, cloneArray(v));
        }
        throw UNSUPPORTED_GRAPH;
    }

    /** An empty map of exactly {@code m}'s class, sized for it; null when the class is not copied here. */
    private static Map<Object, Object> emptyMap(Class<?> c, Map<?, ?> m) {
        if (c == HashMap.class) return new HashMap<>(capacity(m.size()));
        if (c == LinkedHashMap.class) return new LinkedHashMap<>(capacity(m.size()));
        if (c == TreeMap.class && ((TreeMap<?, ?>) m).comparator() == null) return new TreeMap<>();
        return null;
    }

    /** An empty collection of exactly {@code from}'s class, sized for it; null when the class is not copied here. */
    private static Collection<Object> emptyCollection(Class<?> c, Collection<?> from) {
        int n = from.size();
        if (c == ArrayList.class) return new ArrayList<>(n);
        if (c == HashSet.class) return new HashSet<>(capacity(n));
        if (c == LinkedHashSet.class) return new LinkedHashSet<>(capacity(n));
        if (c == LinkedList.class) return new LinkedList<>();
        if (c == ArrayDeque.class) return new ArrayDeque<>(n);
        if (c == TreeSet.class && ((TreeSet<?>) from).comparator() == null) return new TreeSet<>();
        return null;
    }

    private static Object cloneArray(Object a) {
        if (a instanceof byte[] x) return x.clone();
        if (a instanceof int[] x) return x.clone();
        if (a instanceof double[] x) return x.clone();
        if (a instanceof long[] x) return x.clone();
        if (a instanceof float[] x) return x.clone();
        if (a instanceof short[] x) return x.clone();
        if (a instanceof char[] x) return x.clone();
        if (a instanceof boolean[] x) return x.clone();
        return ((Object[]) a).clone();   // an array of one of the immutable classes
    }

    private Collection<Object> fill(Collection<?> from, Collection<Object> to, int depth) {
        for (Object e : from) to.add(copyOf(e, depth));
        return to;
    }

    private Map<Object, Object> fillMap(Map<?, ?> from, Map<Object, Object> to, int depth) {
        for (Map.Entry<?, ?> e : from.entrySet()) to.put(copyOf(e.getKey(), depth), copyOf(e.getValue(), depth));
        return to;
    }

    private static int capacity(int size) {
        return size < 3 ? size + 1 : (int) (size / 0.75f) + 1;
    }

    /** The copy already made of {@code original}, or null. */
    private Object seen(Object original) {
        if (more != null) return more.get(original);
        Object[] p = pairs;
        for (int i = 0, n = 2 * count; i < n; i += 2) {
            if (p[i] == original) return p[i + 1];
        }
        return null;
    }

    /** Records a container's copy before its contents are copied, so that cycles come back to it. */
    private <T> T remember(Object original, T copy) {
        if (more != null) {
            more.put(original, copy);
        } else if (count < LINEAR) {
            if (pairs == null) pairs = new Object[2 * LINEAR];
            pairs[2 * count] = original;
            pairs[2 * count + 1] = copy;
            count++;
        } else {
            more = new IdentityHashMap<>();
            for (int i = 0; i < 2 * count; i += 2) more.put(pairs[i], pairs[i + 1]);
            more.put(original, copy);
        }
        return copy;
    }
}
