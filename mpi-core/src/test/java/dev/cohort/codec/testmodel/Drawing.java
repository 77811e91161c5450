package dev.cohort.codec.testmodel;

import java.util.List;
import java.util.Map;

/** A record with nested records, collections, an enum and a map. */
public record Drawing(String title, List<Point> points, Color color, Map<String, Object> attributes) {
}
