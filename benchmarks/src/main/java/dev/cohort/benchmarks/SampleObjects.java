package dev.cohort.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The objects of the object benchmarks, the same as the anchors' (mpi4py pickle, MPJ Express). */
public final class SampleObjects {
    private SampleObjects() {
    }

    /** "small-dict": {a:1, b:[1,2,3], c:"hello"} as a HashMap of an Integer, an ArrayList of Integers and a String. */
    public static Map<String, Object> smallDict() {
        Map<String, Object> m = new HashMap<>();
        m.put("a", 1);
        m.put("b", new ArrayList<>(List.of(1, 2, 3)));
        m.put("c", "hello");
        return m;
    }

    /** "list10k": an ArrayList of the 10,000 Doubles 0.0, 1.0, ..., 9999.0. */
    public static List<Double> list10k() {
        List<Double> l = new ArrayList<>(10_000);
        for (int i = 0; i < 10_000; i++) l.add((double) i);
        return l;
    }

    /** The object of the given row name, small-dict or list10k. */
    public static Object byName(String name) {
        switch (name) {
            case "small-dict":
                return smallDict();
            case "list10k":
                return list10k();
            default:
                throw new IllegalArgumentException("no sample object '" + name + "'; known: small-dict, list10k");
        }
    }
}
