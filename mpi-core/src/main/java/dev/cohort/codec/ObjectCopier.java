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
import java.util.Arrays;
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
 * <p>The copy is made in two halves. The sender {@linkplain #flatten flattens} the graph into a
 * <em>tape</em>: one {@code Object[]} holding, in pre-order, a marker and a size for each container
 * and the references of the immutable values (primitive arrays are cloned onto it; a long list of
 * values goes on it as one array of its elements, see {@link #BULK}). The receiver
 * {@linkplain #rebuild rebuilds} the containers from the tape. Each half works on memory its own core
 * has just written, and what crosses between the cores is the tape: a few consecutive cache lines
 * read in order. Handing over a finished copy instead makes the receiver chase pointers through
 * objects another core has just written (map, table, nodes, list, array), one dependent cache miss
 * after another; on a 2-core VM that took 1.0-1.2 us a hop for the small map against 0.8 for the tape.
 *
 * <p>Only a closed set of JDK classes is copied, each matched by its exact class: the boxes, String,
 * BigInteger, BigDecimal, UUID and a few java.time values (shared); ArrayList, LinkedList, ArrayDeque,
 * HashMap, LinkedHashMap, HashSet, LinkedHashSet, TreeMap and TreeSet without a comparator, Object[]
 * and primitive arrays (copied). The codec accepts all of them under every policy, so a program that
 * sends them on the local transport sends them unchanged under MPI. Anything else anywhere in the
 * graph (a user class, a JDK class not listed, a subclass of a listed one) makes {@link #flatten}
 * return null (and {@link #copy} {@link #UNSUPPORTED}), and the caller encodes the message as usual;
 * so do graphs nested deeper than {@value #MAX_DEPTH}, which the codec handles without recursion.
 *
 * <p>Shared references and cycles survive, as they do through the codec: every copied container is
 * numbered by identity in the order it is first met, and a second reference to it is written as a
 * reference to that number. User classes are never shared between ranks, because under
 * {@code bin/cohort run} each rank loads them through its own class loader; the classes copied here
 * come from the JDK, which all ranks share.
 */
public final class ObjectCopier {
    /** What {@link #copy} returns for a graph it does not copy: encode it instead. */
    public static final Object UNSUPPORTED = new Object();
    /** Containers nested deeper than this are left to the codec. */
    static final int MAX_DEPTH = 64;
    /**
     * An ArrayList or Object[] of at least this many elements, all values (null or immutable), goes on
     * the tape as one array of its elements in place of its size and elements, so that both halves
     * copy it in bulk instead of element by element.
     */
    private static final int BULK = 16;
    /** Containers of one message searched linearly before an identity map takes over. */
    private static final int LINEAR = 16;

    private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Integer.class, Long.class, Double.class,
            Float.class, Short.class, Byte.class, Character.class, Boolean.class, BigInteger.class,
            BigDecimal.class, UUID.class, Instant.class, Duration.class, LocalDate.class, LocalTime.class,
            LocalDateTime.class);

    /** A tape entry that is not a value: what follows it is a container, an array or a back reference. */
    private static final class Marker {
        final int kind;

        Marker(int kind) {
            this.kind = kind;
        }
    }

    private static final int ARRAY_LIST = 0, LINKED_LIST = 1, ARRAY_DEQUE = 2, HASH_SET = 3, LINKED_HASH_SET = 4,
            TREE_SET = 5, HASH_MAP = 6, LINKED_HASH_MAP = 7, TREE_MAP = 8, OBJECT_ARRAY = 9, CLONED_ARRAY = 10,
            BACK_REFERENCE = 11;
    private static final Marker[] MARKERS = new Marker[BACK_REFERENCE + 1];

    static {
        for (int k = 0; k < MARKERS.length; k++) MARKERS[k] = new Marker(k);
    }

    /** Thrown (without a stack trace) when the graph holds something not copied here. */
    private static final class Unsupported extends RuntimeException {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private static final Unsupported UNSUPPORTED_GRAPH = new Unsupported();

    // the sender's state: the tape being written and the containers numbered so far
    private Object[] tape = new Object[16];
    private int length = 1;   // tape[0]: the number of containers when the tape holds back references, else 0
    private Object[] numbered;
    private int count;
    private IdentityHashMap<Object, Integer> more;
    private boolean backReferences;

    private ObjectCopier() {
    }

    /**
     * Returns a copy of {@code value} that shares no mutable state with it (null for null), or
     * {@link #UNSUPPORTED} when the graph holds a class this copier does not handle: both halves,
     * {@link #flatten} and {@link #rebuild}, on one thread.
     */
    public static Object copy(Object value) {
        Object[] t = flatten(value);
        return t == null ? UNSUPPORTED : rebuild(t);
    }

    /**
     * The sender's half: {@code value}'s graph as a tape that {@link #rebuild} turns into a copy, or
     * null when the graph holds a class this copier does not handle. The tape shares only immutable
     * values with the graph, so the graph may change as soon as this returns.
     */
    public static Object[] flatten(Object value) {
        ObjectCopier w = new ObjectCopier();
        try {
            w.write(value, 0);
        } catch (Unsupported e) {
            return null;
        }
        w.tape[0] = w.backReferences ? w.count : 0;
        return w.tape;
    }

    /** Whether instances of {@code c} are shared rather than copied (the commonest classes without a set lookup). */
    private static boolean immutable(Class<?> c) {
        return c == String.class || c == Integer.class || c == Double.class || c == Long.class || IMMUTABLE.contains(c);
    }

    private void add(Object entry) {
        if (length == tape.length) tape = Arrays.copyOf(tape, length * 2);
        tape[length++] = entry;
    }

    /** Room for {@code n} more entries, so that a large container grows the tape once. */
    private void reserve(int n) {
        if (tape.length - length < n) tape = Arrays.copyOf(tape, Math.max(length + n, length * 2));
    }

    private void write(Object v, int depth) {
        if (v == null) {
            add(null);
            return;
        }
        Class<?> c = v.getClass();
        if (immutable(c)) {
            add(v);
            return;
        }
        int seen = number(v);
        if (seen >= 0) {
            backReferences = true;
            add(MARKERS[BACK_REFERENCE]);
            add(seen);
            return;
        }
        if (depth >= MAX_DEPTH) throw UNSUPPORTED_GRAPH;
        int d = depth + 1;
        int kind = kindOf(c, v);
        if (kind < 0) throw UNSUPPORTED_GRAPH;
        remember(v);
        add(MARKERS[kind]);
        if (kind == CLONED_ARRAY) {
            add(cloneArray(v));
        } else if (kind == OBJECT_ARRAY || kind == ARRAY_LIST && ((ArrayList<?>) v).size() >= BULK) {
            Object[] a = kind == OBJECT_ARRAY ? (Object[]) v : ((ArrayList<?>) v).toArray();
            if (a.length >= BULK && allValues(a)) {
                add(a == v ? a.clone() : a);   // a snapshot the sender may not change
                return;
            }
            add(a.length);
            reserve(a.length);
            for (Object e : a) write(e, d);
        } else if (v instanceof Map<?, ?> m) {
            add(m.size());
            reserve(2 * m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                write(e.getKey(), d);
                write(e.getValue(), d);
            }
        } else {
            Collection<?> from = (Collection<?>) v;
            add(from.size());
            reserve(from.size());
            for (Object e : from) write(e, d);
        }
    }

    /** Whether every element is null or immutable: then the elements go on the tape as one array. */
    private static boolean allValues(Object[] a) {
        for (Object e : a) {
            if (e != null && !immutable(e.getClass())) return false;
        }
        return true;
    }

    /** The tape marker of a container or array of exactly class {@code c}; -1 when it is not copied here. */
    private static int kindOf(Class<?> c, Object v) {
        if (c == HashMap.class) return HASH_MAP;
        if (c == ArrayList.class) return ARRAY_LIST;
        if (c == Object[].class) return OBJECT_ARRAY;
        if (c == LinkedHashMap.class) return LINKED_HASH_MAP;
        if (c == HashSet.class) return HASH_SET;
        if (c == LinkedHashSet.class) return LINKED_HASH_SET;
        if (c == LinkedList.class) return LINKED_LIST;
        if (c == ArrayDeque.class) return ARRAY_DEQUE;
        if (c == TreeMap.class) return ((TreeMap<?, ?>) v).comparator() == null ? TREE_MAP : -1;
        if (c == TreeSet.class) return ((TreeSet<?>) v).comparator() == null ? TREE_SET : -1;
        if (c.isArray()) {
            Class<?> e = c.getComponentType();
            if (e.isPrimitive() || immutable(e)) return CLONED_ARRAY;
        }
        return -1;
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

    /** The number given to {@code original} when it was first met, or -1. */
    private int number(Object original) {
        if (more != null) {
            Integer n = more.get(original);
            return n == null ? -1 : n;
        }
        Object[] p = numbered;
        for (int i = 0; i < count; i++) {
            if (p[i] == original) return i;
        }
        return -1;
    }

    /** Numbers a container before its contents are written, so that cycles come back to it. */
    private void remember(Object original) {
        if (more != null) {
            more.put(original, count);
        } else if (count < LINEAR) {
            if (numbered == null) numbered = new Object[LINEAR];
            numbered[count] = original;
        } else {
            more = new IdentityHashMap<>();
            for (int i = 0; i < count; i++) more.put(numbered[i], i);
            more.put(original, count);
        }
        count++;
    }

    // ---------------------------------------------------------------- the receiver's half

    /**
     * The receiver's half: the copy that a tape from {@link #flatten} describes. Every container in it
     * is new; immutable values are the sender's own instances.
     */
    public static Object rebuild(Object[] tape) {
        if (tape.length < 2 || !(tape[0] instanceof Integer)) {
            throw new IllegalArgumentException("not a tape from ObjectCopier.flatten: " + tape.length + " entries");
        }
        int containers = (Integer) tape[0];
        return new Reader(tape, containers > 0 ? new Object[containers] : null).read();
    }

    /** Reads one tape; {@code made} numbers the containers when the tape refers back to them. */
    private static final class Reader {
        private final Object[] tape;
        private final Object[] made;
        private int at = 1;
        private int count;

        Reader(Object[] tape, Object[] made) {
            this.tape = tape;
            this.made = made;
        }

        private <T> T made(T container) {
            if (made != null) made[count] = container;
            count++;
            return container;
        }

        private int size() {
            return (Integer) tape[at++];
        }

        Object read() {
            Object e = tape[at++];
            if (!(e instanceof Marker m)) return e;
            if ((m.kind == OBJECT_ARRAY || m.kind == ARRAY_LIST) && tape[at] instanceof Object[] values) {
                at++;   // a bulk array of values in place of the size: not the tape's own (it may be rebuilt again)
                return made(m.kind == OBJECT_ARRAY ? values.clone() : new ArrayList<>(Arrays.asList(values)));
            }
            switch (m.kind) {
                case BACK_REFERENCE:
                    return made[size()];
                case CLONED_ARRAY:
                    return made(tape[at++]);
                case OBJECT_ARRAY: {
                    Object[] a = made(new Object[size()]);
                    for (int i = 0; i < a.length; i++) a[i] = read();
                    return a;
                }
                case HASH_MAP:
                case LINKED_HASH_MAP:
                case TREE_MAP: {
                    int n = size();
                    Map<Object, Object> to = made(m.kind == HASH_MAP ? new HashMap<>(capacity(n))
                            : m.kind == LINKED_HASH_MAP ? new LinkedHashMap<>(capacity(n)) : new TreeMap<>());
                    for (int i = 0; i < n; i++) {
                        Object k = read();
                        to.put(k, read());
                    }
                    return to;
                }
                default: {
                    int n = size();
                    Collection<Object> to = made(emptyCollection(m.kind, n));
                    for (int i = 0; i < n; i++) to.add(read());
                    return to;
                }
            }
        }
    }

    /** An empty collection of a tape's collection kind, sized for {@code n} elements. */
    private static Collection<Object> emptyCollection(int kind, int n) {
        switch (kind) {
            case ARRAY_LIST:
                return new ArrayList<>(n);
            case HASH_SET:
                return new HashSet<>(capacity(n));
            case LINKED_HASH_SET:
                return new LinkedHashSet<>(capacity(n));
            case LINKED_LIST:
                return new LinkedList<>();
            case ARRAY_DEQUE:
                return new ArrayDeque<>(n);
            case TREE_SET:
                return new TreeSet<>();
            default:
                throw new IllegalStateException("not a collection on the tape: " + kind);
        }
    }

    private static int capacity(int size) {
        return size < 3 ? size + 1 : (int) (size / 0.75f) + 1;
    }
}
