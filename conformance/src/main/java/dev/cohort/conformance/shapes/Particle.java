package dev.cohort.conformance.shapes;

import java.util.List;
import java.util.Map;

/** A record holding a record, an enum, a collection, a map and a nullable field. */
public record Particle(String name, Point position, Color color, List<Point> trail, Map<String, Integer> counts,
                       String note) {
}
