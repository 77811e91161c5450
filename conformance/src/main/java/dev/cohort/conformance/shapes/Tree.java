package dev.cohort.conformance.shapes;

import java.util.ArrayList;
import java.util.List;

/** A recursive record. */
public record Tree(String label, List<Tree> children) {
    /** A complete binary-ish tree of the given depth, labelled by path from {@code prefix}. */
    public static Tree of(String prefix, int depth) {
        List<Tree> kids = new ArrayList<>();
        if (depth > 0) {
            for (int i = 0; i < 3; i++) kids.add(of(prefix + i, depth - 1));
        }
        return new Tree(prefix, kids);
    }
}
