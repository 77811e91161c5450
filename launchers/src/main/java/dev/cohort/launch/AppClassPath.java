package dev.cohort.launch;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The application class path: where {@code cohort run} and {@code cohort bench} find the program.
 * It is kept apart from the launcher's own class path so that each rank can load the program in a
 * class loader of its own.
 *
 * <p>As with {@code java}: the {@code -cp} option, else the CLASSPATH environment variable, else the
 * current directory; entries ending in {@code *} stand for the jars of that directory. With
 * {@code -jar}: the jar and its manifest's Class-Path. In both cases followed by the applications
 * bundled with Cohort (system property {@value #BUNDLED_PROPERTY}, set by bin/cohort).
 */
final class AppClassPath {
    /** System property with the bundled applications' class path (the samples jar). */
    static final String BUNDLED_PROPERTY = "cohort.launch.appClasspath";

    private final List<Path> entries;

    private AppClassPath(List<Path> entries) {
        this.entries = Collections.unmodifiableList(new ArrayList<>(new LinkedHashSet<>(entries)));
    }

    /** The class path for running a main class. {@code userClassPath} is -cp (null when not given). */
    static AppClassPath forMainClass(String userClassPath, String envClassPath, String bundled, Path cwd) {
        String user = userClassPath != null ? userClassPath
                : envClassPath != null && !envClassPath.isBlank() ? envClassPath : ".";
        List<Path> out = new ArrayList<>(parse(user, cwd));
        out.addAll(parse(bundled, cwd));
        return new AppClassPath(out);
    }

    /** The class path from the system: -cp as given, CLASSPATH, bin/cohort's bundled applications. */
    static AppClassPath forMainClass(String userClassPath) {
        return forMainClass(userClassPath, System.getenv("CLASSPATH"), System.getProperty(BUNDLED_PROPERTY), cwd());
    }

    /** An executable jar: its main class and class path. */
    static final class JarApplication {
        final String mainClass;
        final AppClassPath classPath;

        JarApplication(String mainClass, AppClassPath classPath) {
            this.mainClass = mainClass;
            this.classPath = classPath;
        }
    }

    /** Reads the jar's manifest; a missing jar, an unreadable one or one without Main-Class is a UsageException. */
    static JarApplication forJar(String jar, String bundled, Path cwd) {
        Path path = resolve(jar, cwd);
        if (path == null || !Files.isRegularFile(path)) throw new UsageException("jar file not found: " + jar);
        Manifest manifest;
        try (JarFile jf = new JarFile(path.toFile())) {
            manifest = jf.getManifest();
        } catch (IOException e) {
            throw new UsageException("cannot read jar file " + jar + ": " + e.getMessage());
        }
        String main = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
        if (main == null || main.isBlank()) throw new UsageException("no Main-Class in the manifest of " + jar);
        List<Path> out = new ArrayList<>();
        out.add(path);
        String cp = manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        if (cp != null) {
            URI base = path.getParent().toUri();
            for (String ref : cp.trim().split("\\s+")) {
                if (ref.isEmpty()) continue;
                try {
                    URI u = base.resolve(manifestUri(ref));
                    if ("file".equals(u.getScheme())) out.add(Paths.get(u));
                } catch (URISyntaxException | IllegalArgumentException e) {
                    // java ignores malformed Class-Path entries as well
                }
            }
        }
        out.addAll(parse(bundled, cwd));
        return new JarApplication(main.trim(), new AppClassPath(out));
    }

    /** A Class-Path entry is a relative URL; tolerate unencoded file names too. */
    private static URI manifestUri(String ref) throws URISyntaxException {
        try {
            return new URI(ref);
        } catch (URISyntaxException e) {
            return new URI(null, null, ref, null);
        }
    }

    static JarApplication forJar(String jar) {
        return forJar(jar, System.getProperty(BUNDLED_PROPERTY), cwd());
    }

    /** Splits a path list, resolving relative entries against cwd and expanding {@code dir/*}. */
    static List<Path> parse(String list, Path cwd) {
        List<Path> out = new ArrayList<>();
        if (list == null || list.isEmpty()) return out;
        for (String entry : list.split(File.pathSeparator)) {
            if (entry.isEmpty()) continue;
            if (entry.equals("*") || entry.endsWith(File.separator + "*") || entry.endsWith("/*")) {
                Path dir = resolve(entry.substring(0, entry.length() - 1), cwd);
                if (dir != null) out.addAll(jarsIn(dir));
            } else {
                Path p = resolve(entry, cwd);
                if (p != null) out.add(p);
            }
        }
        return out;
    }

    private static List<Path> jarsIn(Path dir) {
        List<Path> jars = new ArrayList<>();
        if (!Files.isDirectory(dir)) return jars;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar")) jars.add(p);
            }
        } catch (IOException e) {
            return jars;
        }
        Collections.sort(jars);
        return jars;
    }

    private static Path resolve(String entry, Path cwd) {
        try {
            return cwd.resolve(entry.isEmpty() ? "." : entry).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return null;
        }
    }

    static Path cwd() {
        return Paths.get(System.getProperty("user.dir"));
    }

    List<Path> entries() {
        return entries;
    }

    /** The entries as class loader URLs (directories end in '/'). */
    URL[] urls() {
        URL[] urls = new URL[entries.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = entries.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new UsageException("bad class path entry " + entries.get(i) + ": " + e.getMessage());
            }
        }
        return urls;
    }

    /** The path list, marking entries that do not exist (for error messages). */
    String describe() {
        if (entries.isEmpty()) return "(empty)";
        StringBuilder sb = new StringBuilder();
        for (Path p : entries) {
            if (sb.length() > 0) sb.append(File.pathSeparator);
            sb.append(p);
            if (!Files.exists(p)) sb.append(" (missing)");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Path p : entries) {
            if (sb.length() > 0) sb.append(File.pathSeparator);
            sb.append(p);
        }
        return sb.toString();
    }

    /** Entries of a path list joined without duplicates, in order, skipping empty ones. */
    static String join(List<String> parts) {
        Set<String> seen = new LinkedHashSet<>();
        for (String part : parts) {
            if (part == null) continue;
            for (String e : part.split(File.pathSeparator)) if (!e.isEmpty()) seen.add(e);
        }
        return String.join(File.pathSeparator, seen);
    }
}
