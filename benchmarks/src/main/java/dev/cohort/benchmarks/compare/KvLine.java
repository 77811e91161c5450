package dev.cohort.benchmarks.compare;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One result line in the anchors' key=value style, as every program {@code bench compare} runs
 * prints them: {@code SYSTEM KIND [LABEL] key=value ...}, for example
 * {@code c pingpong bytes=8 half_rtt_us=0.129 MBps=62.2} or
 * {@code cohort objlatency small-dict encoded_bytes=38 half_rtt_us=3.21 iters=5000 transport=local np=2}.
 */
public final class KvLine {
    private final String system;
    private final String kind;
    private final String label;
    private final Map<String, String> fields;

    KvLine(String system, String kind, String label, Map<String, String> fields) {
        this.system = system;
        this.kind = kind;
        this.label = label;
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /**
     * Parses the line from the first occurrence of {@code system + " "} on (launchers may put a rank
     * tag in front), or returns null when the line is not one of that system's result lines: no
     * such word, no kind, or no key=value field.
     */
    public static KvLine parse(String line, String system) {
        if (line == null) return null;
        int at = -1;
        for (int from = 0; (at = line.indexOf(system + " ", from)) >= 0; from = at + 1) {
            if (at == 0 || !isWordChar(line.charAt(at - 1))) break;
        }
        if (at < 0) return null;
        String[] words = line.substring(at).trim().split("\\s+");
        if (words.length < 3 || words[1].contains("=")) return null;
        String label = null;
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 2; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq > 0) fields.put(words[i].substring(0, eq), words[i].substring(eq + 1));
            else if (eq < 0 && fields.isEmpty() && label == null) label = words[i];
            else return null; // a bare word after the fields, or "=x": not a result line
        }
        if (fields.isEmpty()) return null;
        return new KvLine(words[0], words[1], label, fields);
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '-' || c == '_';
    }

    public String system() {
        return system;
    }

    /** pingpong, latency, bw, objlatency, allreduce, ... */
    public String kind() {
        return kind;
    }

    /** The bare word after the kind (objlatency's object name), or null. */
    public String label() {
        return label;
    }

    public Map<String, String> fields() {
        return fields;
    }

    /** The field as a string, or null. */
    public String get(String key) {
        return fields.get(key);
    }

    /** The field as a number, or NaN when it is missing or not a number. */
    public double number(String key) {
        String v = fields.get(key);
        if (v == null) return Double.NaN;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
