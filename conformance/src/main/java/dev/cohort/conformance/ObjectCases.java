package dev.cohort.conformance;

import dev.cohort.CohortException;
import dev.cohort.Comm;
import dev.cohort.ElementType;
import dev.cohort.ObjectRequest;
import dev.cohort.Request;
import dev.cohort.Status;
import dev.cohort.conformance.shapes.Color;
import dev.cohort.conformance.shapes.Pair;
import dev.cohort.conformance.shapes.Point;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

import static dev.cohort.conformance.Peers.next;
import static dev.cohort.conformance.Peers.prev;
import static org.assertj.core.api.Assertions.assertThat;

/** The object path: many shapes of objects, every object call, mixing with buffer requests, statuses. */
public final class ObjectCases {
    /** What a rank sends in place of an object it could not encode, so that its receiver is not left waiting. */
    static final String NOT_SENT = "<conformance: the sender could not encode this object>";

    private ObjectCases() {
    }

    public static void objectsNullAndBoxed(Comm w) {
        exchangeShapes(w, "null and boxed values", Shapes::nullAndBoxed, 200);
    }

    public static void objectsStrings(Comm w) {
        exchangeShapes(w, "strings", Shapes::strings, 201);
    }

    public static void objectsCollections(Comm w) {
        exchangeShapes(w, "collections", Shapes::collections, 202);
    }

    public static void objectsMaps(Comm w) {
        exchangeShapes(w, "maps", Shapes::maps, 203);
    }

    public static void objectsArrays(Comm w) {
        exchangeShapes(w, "arrays", Shapes::arrays, 204);
    }

    public static void objectsRecordsAndEnums(Comm w) {
        exchangeShapes(w, "records and enums", Shapes::recordsAndEnums, 205);
    }

    /** List.of, Map.of, Set.of, Arrays.asList, Collections.unmodifiable*: equal on arrival (their class may differ). */
    public static void objectsImmutableCollections(Comm w) {
        exchangeShapes(w, "immutable collections", Shapes::immutableCollections, 206);
    }

    /**
     * Sends each shape of a family around the ring with sendObject / recvObject and compares what
     * arrives with what the previous rank sent. Encoding and decoding failures are collected rather
     * than thrown at once (the exchange goes on, so no rank is left waiting), and the case fails at
     * the end listing every shape that did not survive.
     */
    static void exchangeShapes(Comm w, String family, IntFunction<List<Shapes.Shape>> shapes, int tag) {
        int next = next(w), prev = prev(w), me = w.rank();
        List<Shapes.Shape> mine = shapes.apply(me), theirs = shapes.apply(prev);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < mine.size(); i++) {
            Shapes.Shape out = mine.get(i), want = theirs.get(i);
            Object got;
            if (w.size() == 1) {
                Request r = isendOrMarker(w, out, next, tag, problems);
                got = receiveOrProblem(w, want, prev, tag, problems);
                r.await();
            } else if (me % 2 == 0) {
                sendOrMarker(w, out, next, tag, problems);
                got = receiveOrProblem(w, want, prev, tag, problems);
            } else {
                got = receiveOrProblem(w, want, prev, tag, problems);
                sendOrMarker(w, out, next, tag, problems);
            }
            if (got == PROBLEM) continue;
            if (NOT_SENT.equals(got)) {
                problems.add(want.label() + ": rank " + prev + " could not send it");
                continue;
            }
            String diff = Shapes.difference(want, got);
            if (diff != null) problems.add(want.label() + " from rank " + prev + ": " + diff);
        }
        assertThat(problems).as("%s that did not arrive intact at rank %d", family, me).isEmpty();
    }

    private static final Object PROBLEM = new Object();

    private static void sendOrMarker(Comm w, Shapes.Shape s, int dest, int tag, List<String> problems) {
        try {
            w.sendObject(s.value(), dest, tag);
        } catch (CohortException e) {
            problems.add(s.label() + ": sendObject failed: " + e.getMessage());
            w.sendObject(NOT_SENT, dest, tag);
        }
    }

    private static Request isendOrMarker(Comm w, Shapes.Shape s, int dest, int tag, List<String> problems) {
        try {
            return w.isendObject(s.value(), dest, tag);
        } catch (CohortException e) {
            problems.add(s.label() + ": isendObject failed: " + e.getMessage());
            return w.isendObject(NOT_SENT, dest, tag);
        }
    }

    private static Object receiveOrProblem(Comm w, Shapes.Shape want, int source, int tag, List<String> problems) {
        try {
            return w.recvObject(source, tag);
        } catch (CohortException e) {
            problems.add(want.label() + " from rank " + source + ": recvObject failed: " + e.getMessage());
            return PROBLEM;
        } catch (RuntimeException e) {
            problems.add(want.label() + " from rank " + source + ": recvObject threw " + e);
            return PROBLEM;
        }
    }

    /**
     * isendObject / irecvObject in one waitAll with buffer isend / irecv: the object request's
     * status tells source, tag and type OBJECT, value() decodes it; an object changed after
     * isendObject returned arrives as it was at the call.
     */
    public static void isendIrecvObjectsMixedWithBuffers(Comm w) {
        int next = next(w), prev = prev(w), me = w.rank();
        HashMap<String, Object> map = new HashMap<>();
        map.put("from", me);
        map.put("list", new ArrayList<>(Arrays.asList(1, 2, me)));
        int[] in = new int[3];
        ObjectRequest<Map<String, Object>> ro = w.irecvObject(prev, 210);
        Request rb = w.irecv(in, prev, 211);
        ObjectRequest<Point> rp = w.irecvObject(prev, 212);
        Request so = w.isendObject(map, next, 210);
        map.put("from", -1);
        map.clear();
        Request[] reqs = {ro, rb, w.isend(new int[]{me, 5, 6}, next, 211), so, rp, w.isendObject(new Point(me, 1), next, 212)};
        Status[] st = Request.waitAll(reqs);
        assertThat(reqs).containsOnlyNulls();
        assertThat(st[0].source()).isEqualTo(prev);
        assertThat(st[0].tag()).isEqualTo(210);
        assertThat(st[0].type()).isEqualTo(ElementType.OBJECT);
        assertJdkObjectCount(w, st[0]);
        Expect.status(st[1], prev, 211, 3, ElementType.INT);
        assertThat(in).containsExactly(prev, 5, 6);
        Map<String, Object> got = ro.value();
        assertThat(got).containsEntry("from", prev).containsEntry("list", new ArrayList<>(Arrays.asList(1, 2, prev)));
        assertThat(rp.value()).isEqualTo(new Point(prev, 1));
        assertThat(rp.get()).as("get() after value()").isEqualTo(new Point(prev, 1));
    }

    /** sendrecvObject around the ring, with a given source and with ANY_SOURCE. */
    public static void sendrecvObjectRing(Comm w) {
        int next = next(w), prev = prev(w), me = w.rank();
        List<Object> mine = new ArrayList<>(Arrays.asList("from", me, new Pair<>(me, Color.RED)));
        List<Object> got = w.sendrecvObject(mine, next, 215, prev, 215);
        assertThat(got).containsExactly("from", prev, new Pair<>(prev, Color.RED));
        String s = w.sendrecvObject("any " + me, next, 216, Comm.ANY_SOURCE, 216);
        assertThat(s).isEqualTo("any " + prev);
        Object nothing = w.sendrecvObject(null, next, 217, prev, 217);
        assertThat(nothing).isNull();
    }

    /** ssendObject does not return before the receiving rank has posted its receive. */
    public static void ssendObjectWaitsForReceive(Comm w) throws Exception {
        int me = w.rank();
        Runnable send = () -> w.ssendObject(new Point(me, -1), next(w), 218);
        PointToPointCases.assertBlocksUntilReceived(w, "ssendObject", send, 218, () -> {
            Point p = w.recvObject(prev(w), 218);
            assertThat(p).isEqualTo(new Point(prev(w), -1));
        }, 219);
    }

    /**
     * irecvObject(ANY_SOURCE, ANY_TAG).await() at a root that hears from every rank: the status
     * names each real source and tag, type OBJECT; value() and get() give that rank's object.
     */
    public static void irecvObjectStatus(Comm w) {
        int root = Peers.root(w), me = w.rank(), n = w.size();
        Request s = w.isendObject(new Pair<>("rank", me), root, 220 + me % 3);
        if (me == root) {
            boolean[] seen = new boolean[n];
            for (int k = 0; k < n; k++) {
                ObjectRequest<Pair<String, Integer>> r = w.irecvObject(Comm.ANY_SOURCE, Comm.ANY_TAG);
                Status st = r.await();
                int src = st.source();
                assertThat(src).isBetween(0, n - 1);
                assertThat(seen[src]).as("second object from rank %d", src).isFalse();
                seen[src] = true;
                assertThat(st.tag()).isEqualTo(220 + src % 3);
                assertThat(st.type()).isEqualTo(ElementType.OBJECT);
                assertThat(st.count()).isPositive();
                assertThat(r.value()).isEqualTo(new Pair<>("rank", src));
                assertThat(r.get()).isEqualTo(new Pair<>("rank", src));
                assertThat(r.status()).isEqualTo(st);
            }
        }
        s.await();
    }

    /** probe of an object message reports type OBJECT and the encoding's size; it is not consumed. */
    public static void objectProbe(Comm w) {
        int next = next(w), prev = prev(w), me = w.rank();
        Request s = w.isendObject("probe me " + me, next, 225);
        Status p = w.probe(prev, 225);
        assertThat(p.source()).isEqualTo(prev);
        assertThat(p.tag()).isEqualTo(225);
        assertThat(p.type()).isEqualTo(ElementType.OBJECT);
        assertJdkObjectCount(w, p);
        assertThat(w.iprobe(prev, 225)).isEqualTo(p);
        ObjectRequest<String> r = w.irecvObject(prev, 225);
        assertThat(r.get()).isEqualTo("probe me " + prev);
        assertThat(r.status().count()).isEqualTo(p.count());
        assertThat(w.iprobe(prev, 225)).isNull();
        s.await();
    }

    /**
     * The count of a message holding only JDK values: bytes of its encoding, or 0 where the session
     * passes such objects as copies (the local transport).
     */
    private static void assertJdkObjectCount(Comm w, Status s) {
        if (w.session().copiesObjects()) assertThat(s.count()).as("count of an object message passed as a copy").isZero();
        else assertThat(s.count()).as("bytes of the encoding").isPositive();
    }

    /**
     * Shared references and cycles inside a message survive it, whether it is encoded or copied: a
     * list referenced twice arrives as one list referenced twice, a list holding itself arrives
     * holding itself. The receiver's objects are its own: changing the sent graph afterwards (seen
     * directly when a single rank sends to itself) changes nothing that arrived, and a graph with a
     * class the copier does not take (a record) arrives too.
     */
    public static void objectsSharedAndCyclic(Comm w) {
        int next = next(w), prev = prev(w), me = w.rank();
        ArrayList<Object> shared = new ArrayList<>(Arrays.asList(me, "shared"));
        ArrayList<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        cycle.add(me);
        HashMap<String, Object> graph = new HashMap<>();
        graph.put("p", shared);
        graph.put("q", shared);
        graph.put("cycle", cycle);
        graph.put("array", new double[]{me, 0.5});
        graph.put("sorted", new TreeMap<>(Map.of("b", 2, "a", me)));
        ObjectRequest<Map<String, Object>> r = w.irecvObject(prev, 230);
        Request s = w.isendObject(graph, next, 230);
        shared.set(0, -1);
        ((double[]) graph.get("array"))[0] = -1;
        cycle.add("added after the send");
        Map<String, Object> got = r.get();
        s.await();
        assertThat(got.get("p")).as("a list referenced twice").isSameAs(got.get("q"))
                .isEqualTo(Arrays.asList(prev, "shared"));
        List<?> c = (List<?>) got.get("cycle");
        assertThat(c).hasSize(2);
        assertThat(c.get(0)).as("a list holding itself").isSameAs(c);
        assertThat(c.get(1)).isEqualTo(prev);
        assertThat((double[]) got.get("array")).containsExactly(prev, 0.5);
        assertThat(got.get("sorted")).isInstanceOf(TreeMap.class).isEqualTo(new TreeMap<>(Map.of("b", 2, "a", prev)));
        if (next == me) assertThat(got.get("p")).as("the receiver's own copy").isNotSameAs(shared);

        List<Object> withRecord = new ArrayList<>(Arrays.asList("point", new Point(me, 3)));
        ObjectRequest<List<Object>> r2 = w.irecvObject(prev, 231);
        Request s2 = w.isendObject(withRecord, next, 231);
        assertThat(r2.get()).containsExactly("point", new Point(prev, 3));
        assertThat(r2.status().count()).as("a record is always encoded: bytes of the encoding").isPositive();
        s2.await();
    }

    /** Object calls with PROC_NULL: sends do nothing, receives give null and a PROC_NULL status. */
    public static void objectProcNull(Comm w) {
        w.sendObject("nobody", Comm.PROC_NULL, 226);
        w.ssendObject("nobody", Comm.PROC_NULL, 226);
        w.isendObject("nobody", Comm.PROC_NULL, 226).await();
        Object o = w.recvObject(Comm.PROC_NULL, 226);
        assertThat(o).isNull();
        ObjectRequest<Object> r = w.irecvObject(Comm.PROC_NULL, Comm.ANY_TAG);
        Expect.procNullStatus(r.await());
        assertThat(r.value()).isNull();
        Object x = w.sendrecvObject("nobody", Comm.PROC_NULL, 226, Comm.PROC_NULL, 226);
        assertThat(x).isNull();
    }
}
