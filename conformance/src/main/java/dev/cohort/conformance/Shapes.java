package dev.cohort.conformance;

import dev.cohort.conformance.shapes.Color;
import dev.cohort.conformance.shapes.Empty;
import dev.cohort.conformance.shapes.Pair;
import dev.cohort.conformance.shapes.Particle;
import dev.cohort.conformance.shapes.Point;
import dev.cohort.conformance.shapes.Tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The objects the object cases send, by family. Each depends on the sending rank, so that the
 * receiver can tell whose object it got. {@code exactClass}: the decoded object must have the very
 * same class (true for every concrete JDK and record type; false for the JDK's immutable
 * collections, where an equal collection of another class is acceptable).
 */
final class Shapes {
    record Shape(String label, Object value, boolean exactClass) {
    }

    private Shapes() {
    }

    private static Shape exact(String label, Object value) {
        return new Shape(label, value, true);
    }

    static List<Shape> nullAndBoxed(int r) {
        return List.of(
                exact("null", null),
                exact("Integer", r * 3 + 1),
                exact("Integer.MIN_VALUE", Integer.MIN_VALUE),
                exact("Long", (1L << 40) + r),
                exact("Short", (short) (r - 300)),
                exact("Byte", (byte) (r + 1)),
                exact("Double", r + 0.5),
                exact("Double NaN", Double.NaN),
                exact("Double -0.0", -0.0d),
                exact("Double infinity", Double.NEGATIVE_INFINITY),
                exact("Float", 1.5f * r),
                exact("Boolean", r % 2 == 0),
                exact("Character", (char) ('A' + r)),
                exact("Character euro", '\u20ac'));
    }

    static List<Shape> strings(int r) {
        return List.of(
                exact("empty", ""),
                exact("ascii", "hello from rank " + r),
                exact("unicode", "Žluťoučký kůň \uD83D\uDC0E 日本語 " + r),
                exact("NULs", "\0nul\0" + r),
                exact("lone surrogates", "\uD800x\uDC00" + r),
                exact("long", "x".repeat(100_000) + r));
    }

    static List<Shape> collections(int r) {
        ArrayList<Object> mixed = new ArrayList<>();
        mixed.add(1);
        mixed.add("two");
        mixed.add(3.0);
        mixed.add(null);
        mixed.add(new ArrayList<>(Collections.nCopies(2, r)));
        ArrayList<List<Integer>> nested = new ArrayList<>();
        nested.add(new ArrayList<>(Collections.singleton(r)));
        nested.add(new ArrayList<>(Arrays.asList(1, 2)));
        nested.add(new ArrayList<>());
        return List.of(
                exact("ArrayList", IntStream.range(r, r + 10).boxed().collect(Collectors.toCollection(ArrayList::new))),
                exact("empty ArrayList", new ArrayList<>()),
                exact("LinkedList", new LinkedList<>(Arrays.asList("a", "b" + r, "c"))),
                exact("HashSet", new HashSet<>(Arrays.asList(r, r + 100, -r - 1))),
                exact("TreeSet", new TreeSet<>(Arrays.asList("b", "a", "c" + r))),
                exact("LinkedHashSet", new LinkedHashSet<>(Arrays.asList(5, 3, r + 10, 1))),
                exact("mixed ArrayList with null", mixed),
                exact("nested lists", nested),
                exact("50 000 Integers", IntStream.range(0, 50_000).map(i -> i * r).boxed()
                        .collect(Collectors.toCollection(ArrayList::new))));
    }

    static List<Shape> maps(int r) {
        HashMap<String, List<Integer>> lists = new HashMap<>();
        lists.put("rank", new ArrayList<>(Collections.singleton(r)));
        lists.put("empty", new ArrayList<>());
        TreeMap<Integer, String> sorted = new TreeMap<>();
        for (int k : new int[]{7, -2, r + 50, 3}) sorted.put(k, "v" + k);
        LinkedHashMap<String, Integer> ordered = new LinkedHashMap<>();
        ordered.put("z", 1);
        ordered.put("a", r);
        ordered.put("m", 3);
        HashMap<String, Object> inner = new HashMap<>();
        inner.put("x", r);
        inner.put("list", new ArrayList<>(Arrays.asList("p", "q")));
        HashMap<String, Map<String, Object>> nested = new HashMap<>();
        nested.put("inner", inner);
        nested.put("empty", new HashMap<>());
        HashMap<String, Integer> nulls = new HashMap<>();
        nulls.put(null, r);
        nulls.put("none", null);
        EnumMap<Color, Integer> byColor = new EnumMap<>(Color.class);
        byColor.put(Color.BLUE, r);
        byColor.put(Color.RED, 2);
        return List.of(
                exact("HashMap of lists", lists),
                exact("TreeMap", sorted),
                exact("LinkedHashMap", ordered),
                exact("nested HashMaps", nested),
                exact("HashMap with null key and value", nulls),
                exact("empty HashMap", new HashMap<>()),
                exact("EnumMap", byColor));
    }

    static List<Shape> arrays(int r) {
        return List.of(
                exact("int[]", new int[]{r, -1, Integer.MAX_VALUE}),
                exact("long[]", new long[]{r, Long.MIN_VALUE}),
                exact("double[] with NaN", new double[]{r + 0.5, Double.NaN, -0.0}),
                exact("float[]", new float[]{r, 2.5f}),
                exact("short[]", new short[]{(short) r, -3}),
                exact("byte[]", new byte[]{(byte) r, 0, -128}),
                exact("char[]", new char[]{(char) ('a' + r), '\u20ac'}),
                exact("boolean[]", new boolean[]{r % 2 == 1, true, false}),
                exact("empty int[]", new int[0]),
                exact("String[] with null", new String[]{"s" + r, null, ""}),
                exact("Integer[] with null", new Integer[]{1, null, r}),
                exact("Object[] mixed", new Object[]{1, "a", null, new int[]{r}, new ArrayList<>(Collections.singleton(r))}),
                exact("int[][] jagged", new int[][]{{r}, {}, {1, 2, 3}}),
                exact("300 000 ints", IntStream.range(0, 300_000).map(i -> i ^ r).toArray()));
    }

    static List<Shape> recordsAndEnums(int r) {
        ArrayList<Point> trail = new ArrayList<>();
        for (int i = 0; i < 3; i++) trail.add(new Point(i, r + i / 2.0));
        HashMap<String, Integer> counts = new HashMap<>();
        counts.put("hits", r);
        HashMap<Point, String> byPoint = new HashMap<>();
        byPoint.put(new Point(r, 1), "one");
        byPoint.put(new Point(-r, 2), "two");
        ArrayList<Color> colors = new ArrayList<>(Arrays.asList(Color.BLUE, Color.values()[r % 3]));
        return List.of(
                exact("record", new Point(r, r + 0.5)),
                exact("empty record", new Empty()),
                exact("enum", Color.values()[r % 3]),
                exact("nested record", new Particle("p" + r, new Point(r, 2), Color.GREEN, trail, counts, null)),
                exact("generic record", new Pair<>("a" + r, r)),
                exact("generic record of record and list", new Pair<>(new Point(1, r), colors)),
                exact("recursive record", Tree.of("t" + r, 3)),
                exact("record[]", new Point[]{new Point(r, 0), null, new Point(0, r)}),
                exact("ArrayList of records", trail),
                exact("HashMap with record keys", byPoint));
    }

    static List<Shape> immutableCollections(int r) {
        return List.of(
                new Shape("List.of", List.of(r, 2, 3), false),
                new Shape("List.of()", List.of(), false),
                new Shape("List.copyOf", List.copyOf(new ArrayList<>(Arrays.asList(r, 5))), false),
                new Shape("Set.of", Set.of(r, r + 1), false),
                new Shape("Map.of", Map.of("a", r, "b", 2), false),
                new Shape("Map.of()", Map.of(), false),
                new Shape("Arrays.asList", Arrays.asList(r, 1), false),
                new Shape("Collections.unmodifiableList", Collections.unmodifiableList(new ArrayList<>(Arrays.asList(r))), false),
                new Shape("Collections.emptyList", Collections.emptyList(), false),
                new Shape("Collections.singletonList", Collections.singletonList(r), false),
                new Shape("Collections.unmodifiableMap", Collections.unmodifiableMap(new HashMap<>(Map.of("k", r))), false));
    }

    /** Null when {@code got} is the same shape as {@code expected}, else what differs. */
    static String difference(Shape expected, Object got) {
        Object want = expected.value();
        if (want == null) return got == null ? null : "expected null, got " + describe(got);
        if (got == null) return "expected " + describe(want) + ", got null";
        if (expected.exactClass() && got.getClass() != want.getClass()) {
            return "expected a " + want.getClass().getName() + ", got a " + got.getClass().getName();
        }
        if (!Objects.deepEquals(want, got)) return "expected " + describe(want) + ", got " + describe(got);
        if (want instanceof LinkedHashMap || want instanceof SortedMap) {
            List<?> wk = new ArrayList<>(((Map<?, ?>) want).keySet()), gk = new ArrayList<>(((Map<?, ?>) got).keySet());
            if (!wk.equals(gk)) return "key order " + gk + ", expected " + wk;
        }
        if (want instanceof LinkedHashSet || want instanceof SortedSet) {
            List<?> wk = new ArrayList<>((Set<?>) want), gk = new ArrayList<>((Set<?>) got);
            if (!wk.equals(gk)) return "element order " + gk + ", expected " + wk;
        }
        return null;
    }

    static String describe(Object o) {
        if (o == null) return "null";
        String s;
        if (o instanceof Object[]) s = Arrays.deepToString((Object[]) o);
        else if (o.getClass().isArray()) s = Arrays.deepToString(new Object[]{o});
        else s = String.valueOf(o);
        if (s.length() > 120) s = s.substring(0, 120) + "...(" + s.length() + " chars)";
        return o.getClass().getSimpleName() + " " + s;
    }
}
