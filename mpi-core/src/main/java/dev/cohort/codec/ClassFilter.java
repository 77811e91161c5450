package dev.cohort.codec;

import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Decides which classes an object message may carry: the policy's registered classes, classes in its
 * allowed packages (and their sub-packages), and the codec's built-in safe types; or everything when
 * the policy allows all. Arrays are accepted when their element type is.
 *
 * <p>There are two checks that agree with each other: {@link #allowsName} works on the binary name
 * read from the wire ({@code com.example.Foo}, {@code [I}, {@code [Lcom.example.Foo;}) and runs before
 * the class is even loaded; {@link #allows} works on a {@code Class} and guards every class the codec
 * meets for the first time, whether it came from the wire or from an object being encoded.
 */
final class ClassFilter {
    private final boolean allowAll;
    private final String[] packages;
    private final Set<Class<?>> classes;
    private final Set<String> names;

    ClassFilter(CodecPolicy policy, Collection<Class<?>> builtins) {
        this.allowAll = policy.allowAll();
        List<String> pkgs = policy.allowedPackages();
        this.packages = new String[pkgs.size()];
        for (int i = 0; i < packages.length; i++) {
            // "com.example" accepts "com.example.Foo" and "com.example.sub.Bar", never "com.examples.X"
            packages[i] = pkgs.get(i) + ".";
        }
        Set<Class<?>> cs = Collections.newSetFromMap(new IdentityHashMap<>());
        cs.addAll(builtins);
        cs.addAll(policy.registered());
        Set<String> ns = new HashSet<>();
        for (Class<?> c : cs) ns.add(c.getName());
        this.classes = cs;
        this.names = ns;
    }

    /** True when the policy accepts every class. */
    boolean allowsEverything() {
        return allowAll;
    }

    /** True when {@code c} may be encoded or decoded. */
    boolean allows(Class<?> c) {
        while (c.isArray()) c = c.getComponentType();
        if (c.isPrimitive()) return true;
        // Lambdas and other hidden classes cannot be named on the wire, so no receiver could load them.
        if (c.isHidden()) return false;
        return allowAll || classes.contains(c) || allowsPlainName(c.getName());
    }

    /** True when a class with this binary name (as {@link Class#getName()} spells it) may be decoded. */
    boolean allowsName(String name) {
        if (allowAll) return true;
        String element = elementName(name);
        if (element == null) return false;
        return element.isEmpty() || allowsPlainName(element);
    }

    private boolean allowsPlainName(String name) {
        if (names.contains(name)) return true;
        for (String p : packages) {
            if (name.startsWith(p)) return true;
        }
        return false;
    }

    /**
     * The element class name of an array name ({@code [[Lcom.x.Foo;} gives {@code com.x.Foo}), the
     * name itself when it is not an array, "" for arrays of primitives, null when malformed.
     */
    private static String elementName(String name) {
        int dims = 0;
        while (dims < name.length() && name.charAt(dims) == '[') dims++;
        if (dims == 0) return name;
        String rest = name.substring(dims);
        if (rest.length() == 1) return "ZBCSIJFD".indexOf(rest.charAt(0)) >= 0 ? "" : null;
        if (rest.length() > 2 && rest.charAt(0) == 'L' && rest.charAt(rest.length() - 1) == ';') {
            return rest.substring(1, rest.length() - 1);
        }
        return null;
    }

    /** The exception for a refused class, with a message that says how to accept it. */
    RefusedClassException refusal(Class<?> c, boolean decoding) {
        Class<?> e = c;
        while (e.isArray()) e = e.getComponentType();
        if (e.isHidden()) {
            return new RefusedClassException(c.getName(), "Object codec cannot " + (decoding ? "decode" : "encode")
                    + " an instance of " + c.getName() + ": lambdas and other hidden classes have no name that a "
                    + "receiver could load. Send a record or a named class instead.");
        }
        return refusal(c.getName(), decoding);
    }

    /** The exception for a refused class name, with a message that says how to accept it. */
    RefusedClassException refusal(String binaryName, boolean decoding) {
        String element = elementName(binaryName);
        if (element == null || element.isEmpty()) element = binaryName;
        String shown = readable(binaryName);
        StringBuilder m = new StringBuilder();
        if (decoding) {
            m.append("Object codec refused to decode class ").append(shown).append(" named by an incoming message");
        } else {
            m.append("Object codec refused to encode class ").append(shown)
                    .append(" (receivers with the same policy would refuse it)");
        }
        m.append(": it is not registered, not in an allowed package and not one of the built-in safe types, ")
                .append("and deserializing arbitrary classes is unsafe. To accept it on every rank, register it ")
                .append("(CodecPolicy.builder().register(").append(element.replace('$', '.')).append(".class))");
        int dot = element.lastIndexOf('.');
        if (dot > 0) {
            String pkg = element.substring(0, dot);
            m.append(" or allow its package (CodecPolicy.builder().allowPackage(\"").append(pkg)
                    .append("\") or -Dcohort.codec.allow=").append(pkg).append(')');
        }
        m.append('.');
        return new RefusedClassException(binaryName, m.toString());
    }

    private static String readable(String binaryName) {
        String element = elementName(binaryName);
        if (element == null || element.isEmpty() || element.equals(binaryName)) return binaryName;
        int dims = 0;
        while (binaryName.charAt(dims) == '[') dims++;
        return element + "[]".repeat(dims);
    }
}
