package dev.cohort.codec.testmodel;

import java.util.ArrayList;
import java.util.List;

/** A mutable graph node for shared and cyclic references. */
public final class Node {
    public String name;
    public Node next;
    public List<Node> children = new ArrayList<>();

    public Node() {
    }

    public Node(String name) {
        this.name = name;
    }
}
