package dev.cohort.codec;

import dev.cohort.Cohort;
import dev.cohort.CohortOptions;
import dev.cohort.ObjectRequest;
import dev.cohort.Request;
import dev.cohort.codec.testmodel.Point;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class ObjectCopierTest {

    @SuppressWarnings("unchecked")
    private static <T> T copy(T value) {
        Object c = ObjectCopier.copy(value);
        assertThat(c).as("copied, not refused").isNotSameAs(ObjectCopier.UNSUPPORTED);
        return (T) c;
    }

    @Test
    void immutableValuesAreSharedAndNullStaysNull() {
        assertThat(ObjectCopier.copy(null)).isNull();
        for (Object v : List.of("text", 7, 7L, 2.5, 2.5f, (short) 3, (byte) 4, 'c', true, new BigDecimal("1.25"),
                UUID.randomUUID(), LocalDate.of(2026, 12, 2))) {
            assertThat(ObjectCopier.copy(v)).as("%s", v.getClass()).isSameAs(v);
        }
    }

    @Test
    void everyCopiedContainerIsANewEqualObjectOfTheSameClass() {
        List<Object> values = List.of(
                new ArrayList<>(Arrays.asList(1, "two", null)),
                new LinkedList<>(Arrays.asList(1, 2)),
                new ArrayDeque<>(Arrays.asList(3, 4)),
                new HashSet<>(Arrays.asList("a", "b")),
                new LinkedHashSet<>(Arrays.asList("z", "a")),
                new TreeSet<>(Arrays.asList(5, 1, 3)),
                new HashMap<>(Map.of("k", 1)),
                new LinkedHashMap<>(Map.of("k", 2)),
                new TreeMap<>(Map.of("b", 1, "a", 2)),
                new int[]{1, 2}, new double[]{0.5}, new byte[]{9}, new long[]{1L}, new float[]{1f}, new short[]{2},
                new char[]{'x'}, new boolean[]{true}, new String[]{"s", null}, new Integer[]{1, 2});
        for (Object v : values) {
            Object c = copy(v);
            assertThat(c).as("%s", v.getClass()).isNotSameAs(v).hasSameClassAs(v);
            if (v.getClass().isArray()) assertThat(c).isEqualTo(v);   // AssertJ compares arrays by content
            else if (v instanceof ArrayDeque<?> d) assertThat(new ArrayList<Object>((ArrayDeque<?>) c)).isEqualTo(new ArrayList<Object>(d));
            else assertThat(c).isEqualTo(v);
        }
        LinkedHashSet<String> ordered = copy(new LinkedHashSet<>(Arrays.asList("z", "a", "m")));
        assertThat(ordered).containsExactly("z", "a", "m");
    }

    @Test
    void theCopySharesNoMutableStateWithTheOriginal() {
        ArrayList<Object> inner = new ArrayList<>(Arrays.asList(1, 2, 3));
        int[] numbers = {1, 2};
        HashMap<String, Object> m = new HashMap<>();
        m.put("list", inner);
        m.put("numbers", numbers);
        m.put("text", "hello");
        Map<String, Object> c = copy(m);
        inner.add(4);
        numbers[0] = 99;
        m.put("text", "changed");
        assertThat(c.get("list")).isEqualTo(List.of(1, 2, 3)).isNotSameAs(inner);
        assertThat((int[]) c.get("numbers")).containsExactly(1, 2);
        assertThat(c.get("text")).isEqualTo("hello");
    }

    /** The transport flattens on the sender and rebuilds on the receiver later: changes in between are not seen. */
    @Test
    void aTapeHoldsTheGraphAsItWasWhenFlattened() {
        ArrayList<Object> inner = new ArrayList<>(Arrays.asList(1, 2, 3));
        double[] numbers = {1.5, 2.5};
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        m.put("list", inner);
        m.put("numbers", numbers);
        m.put("again", numbers);
        m.put("set", new TreeSet<>(List.of("b", "a")));
        Object[] tape = ObjectCopier.flatten(m);
        assertThat(tape).isNotNull();
        inner.set(0, 99);
        numbers[1] = -1;
        m.put("late", true);
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) ObjectCopier.rebuild(tape);
        assertThat(c).isInstanceOf(LinkedHashMap.class);
        assertThat(c.keySet()).containsExactly("list", "numbers", "again", "set");
        assertThat(c.get("list")).isEqualTo(List.of(1, 2, 3));
        assertThat((double[]) c.get("numbers")).containsExactly(1.5, 2.5).isNotSameAs(numbers);
        assertThat(c.get("again")).as("one array referenced twice stays one array").isSameAs(c.get("numbers"));
        assertThat(c.get("set")).isInstanceOf(TreeSet.class).isEqualTo(new TreeSet<>(List.of("a", "b")));
        assertThat(ObjectCopier.rebuild(tape)).as("a tape rebuilds more than once").isEqualTo(c).isNotSameAs(c);
        Object[] values = new Object[40];
        Arrays.fill(values, "v");
        Object[] bulk = ObjectCopier.flatten(values);
        values[0] = "changed";
        Object[] first = (Object[]) ObjectCopier.rebuild(bulk), second = (Object[]) ObjectCopier.rebuild(bulk);
        assertThat(first).containsOnly("v").hasSize(40).isNotSameAs(second).isNotSameAs(values);
        assertThat(second).isEqualTo(first);
        assertThat(ObjectCopier.flatten(new ArrayList<>(List.of(new Point(1, 2))))).as("refused: encoded instead").isNull();
    }

    @Test
    void sharedReferencesAndCyclesSurvive() {
        ArrayList<Object> shared = new ArrayList<>(List.of("s"));
        Object[] array = {shared, shared, null};
        array[2] = array;
        Object[] c = copy(array);
        assertThat(c[0]).isNotSameAs(shared).isSameAs(c[1]);
        assertThat(c[2]).isSameAs(c);

        // beyond the linear table: 40 distinct lists, each referenced twice
        ArrayList<Object> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ArrayList<Object> l = new ArrayList<>(List.of(i));
            many.add(l);
            many.add(l);
        }
        List<?> cm = copy(many);
        for (int i = 0; i < 80; i += 2) {
            assertThat(cm.get(i)).isSameAs(cm.get(i + 1)).isNotSameAs(many.get(i)).isEqualTo(List.of(i / 2));
        }
        HashMap<String, Object> self = new HashMap<>();
        self.put("me", self);
        Map<?, ?> cs = copy(self);
        assertThat(cs.get("me")).isSameAs(cs);
    }

    @Test
    void anythingElseIsLeftToTheCodec() {
        // user classes, subclasses of copied classes, comparators, JDK classes not on the list
        List<Object> refused = List.of(
                new Point(1, 2),
                new ArrayList<>(List.of(1, new Point(1, 2))),
                new HashMap<String, Object>() { },
                new TreeMap<String, Integer>(Comparator.reverseOrder()),
                new TreeSet<String>(Comparator.reverseOrder()),
                List.of(1, 2),
                Map.of("a", 1),
                new Point[]{new Point(1, 2)},
                new AtomicReference<>("x"));
        for (Object v : refused) assertThat(ObjectCopier.copy(v)).as("%s", v.getClass()).isSameAs(ObjectCopier.UNSUPPORTED);
    }

    @Test
    void deepNestingIsLeftToTheCodec() {
        ArrayList<Object> shallow = new ArrayList<>();
        ArrayList<Object> at = shallow;
        for (int i = 1; i < ObjectCopier.MAX_DEPTH; i++) {
            ArrayList<Object> n = new ArrayList<>();
            at.add(n);
            at = n;
        }
        assertThat(ObjectCopier.copy(shallow)).isEqualTo(shallow);
        at.add(new ArrayList<>());
        assertThat(ObjectCopier.copy(shallow)).isSameAs(ObjectCopier.UNSUPPORTED);
    }

    /** Through the local transport: copies count 0, the rest are encoded; the option turns copies off. */
    @Test
    void theLocalTransportPassesCopiesUnlessTurnedOff() throws Exception {
        for (boolean copies : new boolean[]{true, false}) {
            CohortOptions options = CohortOptions.builder().copyObjects(copies)
                    .codecPolicy(CodecPolicy.builder().allowPackage("dev.cohort.codec.testmodel").build()).build();
            Cohort.run(2, options, w -> {
                assertThat(w.session().copiesObjects()).isEqualTo(copies);
                int peer = 1 - w.rank();
                HashMap<String, Object> m = new HashMap<>(Map.of("rank", w.rank(), "list", new ArrayList<>(List.of(1, 2))));
                ObjectRequest<Map<String, Object>> r = w.irecvObject(peer, 1);
                Request s = w.isendObject(m, peer, 1);
                m.clear();
                assertThat(r.get()).isEqualTo(Map.of("rank", peer, "list", List.of(1, 2)));
                if (copies) assertThat(r.status().count()).isZero();
                else assertThat(r.status().count()).isPositive();
                s.await();
                ObjectRequest<Point> rp = w.irecvObject(peer, 2);
                w.sendObject(new Point(w.rank(), 1), peer, 2);
                assertThat(rp.get()).isEqualTo(new Point(peer, 1));
                assertThat(rp.status().count()).as("a user class is always encoded").isPositive();
            });
        }
    }
}
