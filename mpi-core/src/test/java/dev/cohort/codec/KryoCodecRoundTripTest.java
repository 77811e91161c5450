package dev.cohort.codec;

import dev.cohort.codec.testmodel.Color;
import dev.cohort.codec.testmodel.Drawing;
import dev.cohort.codec.testmodel.Node;
import dev.cohort.codec.testmodel.Point;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KryoCodecRoundTripTest {
    private final KryoCodec codec = new KryoCodec(
            CodecPolicy.builder().allowPackage("dev.cohort.codec.testmodel").build(), null);

    @SuppressWarnings("unchecked")
    private <T> T roundTrip(T value) {
        byte[] bytes = codec.encode(value);
        // decode from the middle of a larger buffer, as a transport would hand it over
        byte[] framed = new byte[bytes.length + 7];
        System.arraycopy(bytes, 0, framed, 3, bytes.length);
        return (T) codec.decode(framed, 3, bytes.length);
    }

    private void assertRoundTripsEqual(Object value) {
        Object back = roundTrip(value);
        assertThat(back).isEqualTo(value);
        assertThat(back.getClass()).isEqualTo(value.getClass());
    }

    @Test
    void nullRoundTrips() {
        byte[] bytes = codec.encode(null);
        assertThat(bytes).hasSize(1);
        assertThat(codec.decode(bytes, 0, bytes.length)).isNull();
    }

    @Test
    void boxedValuesAndStringsRoundTrip() {
        for (Object v : List.of(42, -7L, 3.5, 2.5f, (short) 9, (byte) -3, 'x', true, "", "hello",
                "héllo wörld ✓ 日本", "a".repeat(10_000))) {
            assertRoundTripsEqual(v);
        }
    }

    @Test
    void encodeReturnsExactLengthArrays() {
        byte[] small = codec.encode("hi");
        byte[] big = codec.encode("x".repeat(100_000));
        byte[] smallAgain = codec.encode("hi");
        assertThat(big.length).isGreaterThan(100_000).isLessThan(100_010);
        assertThat(smallAgain).isEqualTo(small).hasSizeLessThan(5);
        assertThat(small).isNotSameAs(smallAgain);
    }

    @Test
    void primitiveArraysRoundTrip() {
        assertThat(roundTrip(new byte[] {1, -2, 3})).containsExactly(1, -2, 3);
        assertThat(roundTrip(new short[] {1, -2, 300})).containsExactly(1, -2, 300);
        assertThat(roundTrip(new int[] {1, Integer.MIN_VALUE, Integer.MAX_VALUE})).containsExactly(1, Integer.MIN_VALUE, Integer.MAX_VALUE);
        assertThat(roundTrip(new long[] {1, Long.MIN_VALUE})).containsExactly(1, Long.MIN_VALUE);
        assertThat(roundTrip(new float[] {1.5f, Float.NaN})).containsExactly(1.5f, Float.NaN);
        assertThat(roundTrip(new double[] {-0.0, Double.MAX_VALUE})).containsExactly(-0.0, Double.MAX_VALUE);
        assertThat(roundTrip(new char[] {'a', 'é'})).containsExactly('a', 'é');
        assertThat(roundTrip(new boolean[] {true, false, true})).containsExactly(true, false, true);
        assertThat(roundTrip(new int[0])).isEmpty();
        int[] large = new int[100_000];
        Arrays.setAll(large, i -> i * 31);
        assertThat(roundTrip(large)).isEqualTo(large);
    }

    @Test
    void objectArraysRoundTrip() {
        Object[] mixed = {1, "two", null, List.of(3), new int[] {4}};
        Object[] back = roundTrip(mixed);
        assertThat(back).hasSize(5);
        assertThat(back[0]).isEqualTo(1);
        assertThat(back[1]).isEqualTo("two");
        assertThat(back[2]).isNull();
        assertThat(back[3]).isEqualTo(List.of(3));
        assertThat((int[]) back[4]).containsExactly(4);

        String[] strings = roundTrip(new String[] {"a", null, "c"});
        assertThat(strings).containsExactly("a", null, "c");
        Integer[] boxes = roundTrip(new Integer[] {1, null, 3});
        assertThat(boxes).containsExactly(1, null, 3);
        Point[] points = roundTrip(new Point[] {new Point(1, 2), null});
        assertThat(points).containsExactly(new Point(1, 2), null);
        int[][] matrix = roundTrip(new int[][] {{1, 2}, {3}});
        assertThat(matrix).isDeepEqualTo(new int[][] {{1, 2}, {3}});
    }

    @Test
    void theSmallMapRoundTrips() {
        Map<String, Object> m = new HashMap<>();
        m.put("a", 1);
        m.put("b", new ArrayList<>(List.of(1, 2, 3)));
        m.put("c", "hello");
        assertRoundTripsEqual(m);
        assertThat(codec.encode(m)).hasSizeLessThan(40);
    }

    @Test
    void mutableCollectionsAndMapsRoundTripWithTheirClassAndOrder() {
        for (Object v : List.of(new ArrayList<>(List.of(1, 2)), new LinkedList<>(List.of("a", "b")),
                new HashSet<>(Set.of(1, 2, 3)), new LinkedHashSet<>(List.of(3, 1, 2)), new TreeSet<>(Set.of(5, 1, 3)),
                new HashMap<>(Map.of("k", 1)), new LinkedHashMap<>(Map.of(1, "v")), new TreeMap<>(Map.of("b", 2, "a", 1)))) {
            assertRoundTripsEqual(v);
        }
        LinkedHashMap<String, Integer> ordered = new LinkedHashMap<>();
        for (String k : List.of("z", "a", "m")) ordered.put(k, k.length());
        assertThat(roundTrip(ordered).keySet()).containsExactly("z", "a", "m");

        ArrayDeque<Integer> deque = roundTrip(new ArrayDeque<>(List.of(1, 2, 3)));
        assertThat(deque).containsExactly(1, 2, 3);

        TreeSet<String> reversed = new TreeSet<>(Comparator.reverseOrder());
        reversed.addAll(List.of("a", "c", "b"));
        TreeSet<String> back = roundTrip(reversed);
        assertThat(back).containsExactly("c", "b", "a");
        back.add("d");
        assertThat(back.first()).isEqualTo("d");
        TreeMap<String, Integer> insensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        insensitive.put("Key", 1);
        assertThat(roundTrip(insensitive).get("KEY")).isEqualTo(1);
    }

    @Test
    void nestedCollectionsAndMapsRoundTrip() {
        Map<String, Object> inner = new HashMap<>();
        inner.put("list", new ArrayList<>(List.of(new HashSet<>(Set.of(1, 2)), new TreeMap<>(Map.of(1, "x")))));
        inner.put("nothing", null);
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("inner", inner);
        outer.put("deep", List.of(List.of(List.of(Map.of("leaf", 0)))));
        outer.put(null, "null key");
        assertRoundTripsEqual(outer);
    }

    @Test
    @SuppressWarnings("unchecked")
    void immutableJdkCollectionsRoundTripAsUnmodifiableEqualCollections() {
        List<Object> values = List.of(List.of(), List.of(1), List.of(1, 2), List.of(1, 2, 3, 4),
                List.of(1, 2, 3, 4).subList(1, 3), Set.of(), Set.of("a"), Set.of("a", "b", "c"),
                Map.of(), Map.of("a", 1), Map.of("a", 1, "b", 2, "c", 3), List.copyOf(new ArrayList<>(List.of(7, 8))),
                Collections.unmodifiableList(new ArrayList<>(List.of(1, 2))),
                Collections.unmodifiableList(new LinkedList<>(List.of(1, 2))),
                Collections.unmodifiableCollection(new ArrayList<>(List.of(1, 2))),
                Collections.unmodifiableSet(new HashSet<>(Set.of(1, 2))),
                Collections.unmodifiableMap(new HashMap<>(Map.of("k", "v"))),
                Collections.unmodifiableSortedSet(new TreeSet<>(Set.of(2, 1))),
                Collections.unmodifiableNavigableMap(new TreeMap<>(Map.of(2, "b", 1, "a"))),
                Collections.emptyList(), Collections.emptySet(), Collections.emptyMap(),
                Collections.emptySortedSet(), Collections.emptyNavigableMap(),
                Collections.singletonList(1), Collections.singleton("s"), Collections.singletonMap("k", 1),
                Arrays.asList(1, 2, 3));
        for (Object v : values) {
            Object back = roundTrip(v);
            if (v.getClass().getName().equals("java.util.Collections$UnmodifiableCollection")) {
                // no equals of its own (identity): compare the contents
                assertThat((Collection<Object>) back).containsExactlyElementsOf((Collection<Object>) v);
            } else {
                assertThat(back).as("%s", v.getClass()).isEqualTo(v);
            }
            if (back instanceof Collection && !(v.getClass().getName().startsWith("java.util.Arrays"))) {
                assertThatThrownBy(() -> ((Collection<Object>) back).add(1)).as("%s", v.getClass())
                        .isInstanceOf(UnsupportedOperationException.class);
            } else if (back instanceof Map) {
                assertThatThrownBy(() -> ((Map<Object, Object>) back).put("x", 1)).as("%s", v.getClass())
                        .isInstanceOf(UnsupportedOperationException.class);
            }
        }
        // the JDK's own immutable classes come back, not look-alikes
        assertThat(roundTrip(List.of(1, 2, 3)).getClass()).isEqualTo(List.of(1, 2, 3).getClass());
        assertThat(roundTrip(Map.of("a", 1)).getClass()).isEqualTo(Map.of("a", 1).getClass());
        SortedSet<Integer> sorted = roundTrip(Collections.unmodifiableSortedSet(new TreeSet<>(Set.of(3, 1, 2))));
        assertThat(sorted).containsExactly(1, 2, 3);
    }

    @Test
    void immutableListWithNullsFromStreamToListRoundTrips() {
        List<String> withNull = Arrays.asList("a", null, "c").stream().toList();
        List<String> back = roundTrip(withNull);
        assertThat(back).containsExactly("a", null, "c");
        assertThatThrownBy(() -> back.add("d")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void recordsRoundTrip() {
        assertRoundTripsEqual(new Point(3, -4));
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("width", 2.5);
        attributes.put("tags", List.of("a", "b"));
        Drawing d = new Drawing("sketch", List.of(new Point(0, 0), new Point(1, 1)), Color.GREEN, attributes);
        assertRoundTripsEqual(d);
        assertRoundTripsEqual(new Drawing(null, List.of(), Color.RED, Map.of()));
    }

    @Test
    void enumsRoundTrip() {
        assertThat(roundTrip(Color.RED)).isSameAs(Color.RED);
        assertThat(roundTrip(Color.BLUE)).isSameAs(Color.BLUE);
        assertThat(roundTrip(java.time.DayOfWeek.FRIDAY)).isSameAs(java.time.DayOfWeek.FRIDAY);
        assertRoundTripsEqual(EnumSet.of(Color.RED, Color.BLUE));
        assertThat(roundTrip(EnumSet.noneOf(Color.class))).isEmpty();
        EnumMap<Color, String> map = new EnumMap<>(Color.class);
        map.put(Color.BLUE, "b");
        map.put(Color.RED, null);
        assertRoundTripsEqual(map);
        EnumMap<Color, String> empty = roundTrip(new EnumMap<>(Color.class));
        assertThat(empty).isEmpty();
        empty.put(Color.GREEN, "g"); // the key type came across
        assertThat(empty).containsEntry(Color.GREEN, "g");
    }

    @Test
    void jdkValueTypesRoundTrip() {
        for (Object v : List.of(new BigInteger("123456789012345678901234567890"), new BigDecimal("-1.250"),
                UUID.randomUUID(), Optional.of("x"), Optional.empty(), Instant.ofEpochSecond(1_700_000_000, 5),
                LocalDate.of(2024, 2, 29), LocalDateTime.of(2024, 1, 1, 12, 0), Duration.ofMillis(1500),
                ZonedDateTime.of(2024, 6, 1, 8, 30, 0, 0, ZoneId.of("Europe/Paris")), ZoneId.of("Asia/Tokyo"))) {
            assertRoundTripsEqual(v);
        }
    }

    @Test
    void sharedReferencesStayShared() {
        Point p = new Point(1, 1);
        List<Object> list = new ArrayList<>(List.of(p, p));
        List<Object> back = roundTrip(list);
        assertThat(back.get(0)).isEqualTo(p).isSameAs(back.get(1));
    }

    /**
     * Graphs larger than the reference table's linear part (it moves to a hash map past
     * {@link ReferenceTable#LINEAR} objects): shared and cyclic references on both sides of that
     * limit survive, and the table starts empty for the next message.
     */
    @Test
    void sharedReferencesSurviveGraphsBeyondTheLinearTable() {
        int n = ReferenceTable.LINEAR * 5 + 3;
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) nodes.add(new Node("n" + i));
        for (int i = 0; i < n; i++) {
            Node x = nodes.get(i);
            x.next = nodes.get((i + 1) % n);                      // one ring through all of them
            x.children.add(nodes.get((i * 7 + 3) % n));           // and a shared edge across the limit
        }
        List<Object> message = new ArrayList<>(nodes);
        message.addAll(nodes);                                    // every node twice
        List<?> back = roundTrip(message);
        assertThat(back).hasSize(2 * n);
        for (int i = 0; i < n; i++) {
            Node b = (Node) back.get(i);
            assertThat(b.name).isEqualTo("n" + i);
            assertThat(back.get(n + i)).isSameAs(b);
            assertThat(b.next).isSameAs(back.get((i + 1) % n));
            assertThat(b.children).hasSize(1);
            assertThat(b.children.get(0)).isSameAs(back.get((i * 7 + 3) % n));
        }
        // the next message starts from an empty table: the same small graph encodes as it did before
        Point p = new Point(2, 3);
        List<Object> small = new ArrayList<>(List.of(p, p));
        byte[] first = codec.encode(small);
        codec.encode(message);
        assertThat(codec.encode(small)).isEqualTo(first);
        List<?> smallBack = roundTrip(small);
        assertThat(smallBack.get(0)).isEqualTo(p).isSameAs(smallBack.get(1));
    }

    @Test
    void cyclicGraphsRoundTrip() {
        Node a = new Node("a");
        Node b = new Node("b");
        a.next = b;
        b.next = a;
        a.children.add(a);
        a.children.add(b);
        Node backA = roundTrip(a);
        assertThat(backA.name).isEqualTo("a");
        assertThat(backA.next.name).isEqualTo("b");
        assertThat(backA.next.next).isSameAs(backA);
        assertThat(backA.children).hasSize(2);
        assertThat(backA.children.get(0)).isSameAs(backA);
        assertThat(backA.children.get(1)).isSameAs(backA.next);

        List<Object> selfContaining = new ArrayList<>();
        selfContaining.add("x");
        selfContaining.add(selfContaining);
        List<?> back = roundTrip(selfContaining);
        assertThat(back.get(0)).isEqualTo("x");
        assertThat(back.get(1)).isSameAs(back);

        Map<String, Object> selfMap = new HashMap<>();
        selfMap.put("me", selfMap);
        Map<?, ?> backMap = roundTrip(selfMap);
        assertThat(backMap.get("me")).isSameAs(backMap);
    }

    @Test
    void codecIsReusableAcrossManyMessages() {
        for (int i = 0; i < 1000; i++) {
            Object v = i % 3 == 0 ? new Point(i, -i) : i % 3 == 1 ? List.of("m" + i) : Map.of(i, Color.values()[i % 3]);
            assertThat(roundTrip(v)).isEqualTo(v);
        }
    }
}
