package dev.cohort.codec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Which classes object messages may carry. Deserializing arbitrary classes named by the wire is a
 * known attack, so by default only these are accepted: classes registered here (in the same order on
 * every rank), classes in the allowed packages (and their sub-packages), and a fixed set of safe JDK
 * types (boxed primitives, String, arrays, common java.util collections and maps, records and enums of
 * allowed packages). {@link Builder#allowAll()} accepts everything; use it only between trusted ranks.
 */
public final class CodecPolicy {
    private final List<Class<?>> registered;
    private final List<String> allowedPackages;
    private final boolean allowAll;

    private CodecPolicy(Builder b) {
        this.registered = Collections.unmodifiableList(new ArrayList<>(b.registered));
        this.allowedPackages = Collections.unmodifiableList(new ArrayList<>(b.allowedPackages));
        this.allowAll = b.allowAll;
    }

    /** Classes registered explicitly, in registration order. */
    public List<Class<?>> registered() {
        return registered;
    }

    /** Package prefixes whose classes are accepted, e.g. "com.example.model". */
    public List<String> allowedPackages() {
        return allowedPackages;
    }

    /** True when every class is accepted. */
    public boolean allowAll() {
        return allowAll;
    }

    /**
     * The policy from system properties: {@code cohort.codec.allow} (comma-separated package
     * prefixes) and {@code cohort.codec.allowAll=true}.
     */
    public static CodecPolicy fromSystemProperties() {
        return builder().build();
    }

    /** A builder starting from the system-property defaults. */
    public static Builder builder() {
        Builder b = new Builder();
        String allow = System.getProperty("cohort.codec.allow", "");
        for (String p : allow.split(",")) {
            if (!p.isBlank()) b.allowPackage(p.trim());
        }
        if (Boolean.getBoolean("cohort.codec.allowAll")) b.allowAll();
        return b;
    }

    @Override
    public String toString() {
        return "CodecPolicy[registered=" + registered.size() + ", packages=" + allowedPackages
                + (allowAll ? ", allowAll" : "") + "]";
    }

    public static final class Builder {
        private final List<Class<?>> registered = new ArrayList<>();
        private final List<String> allowedPackages = new ArrayList<>();
        private boolean allowAll;

        private Builder() {
        }

        /** Registers classes; every rank must register the same classes in the same order. */
        public Builder register(Class<?>... classes) {
            for (Class<?> c : classes) {
                if (c == null) throw new IllegalArgumentException("null class");
                registered.add(c);
            }
            return this;
        }

        /** Accepts every class in the package and its sub-packages. */
        public Builder allowPackage(String packagePrefix) {
            if (packagePrefix == null || packagePrefix.isBlank()) {
                throw new IllegalArgumentException("empty package prefix");
            }
            String p = packagePrefix.endsWith(".*") ? packagePrefix.substring(0, packagePrefix.length() - 2) : packagePrefix;
            allowedPackages.add(p);
            return this;
        }

        /** Accepts every class: only between trusted ranks. */
        public Builder allowAll() {
            allowAll = true;
            return this;
        }

        public CodecPolicy build() {
            return new CodecPolicy(this);
        }
    }
}
