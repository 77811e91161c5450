package dev.cohort.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

class AppClassPathTest {
    private static String paths(String... parts) {
        return String.join(File.pathSeparator, parts);
    }

    @Test
    void optionWinsOverEnvironmentAndBundledComesLast(@TempDir Path cwd) {
        AppClassPath cp = AppClassPath.forMainClass(paths("a", "b"), "env", "bundled.jar", cwd);
        assertThat(cp.entries()).containsExactly(cwd.resolve("a"), cwd.resolve("b"), cwd.resolve("bundled.jar"));
    }

    @Test
    void environmentIsUsedWithoutTheOption(@TempDir Path cwd) {
        AppClassPath cp = AppClassPath.forMainClass(null, "env", null, cwd);
        assertThat(cp.entries()).containsExactly(cwd.resolve("env"));
    }

    @Test
    void currentDirectoryIsTheDefault(@TempDir Path cwd) {
        AppClassPath cp = AppClassPath.forMainClass(null, "", "bundled.jar", cwd);
        assertThat(cp.entries()).containsExactly(cwd, cwd.resolve("bundled.jar"));
    }

    @Test
    void starEntriesStandForTheJarsOfTheDirectory(@TempDir Path cwd) throws IOException {
        Path lib = Files.createDirectory(cwd.resolve("lib"));
        Files.createFile(lib.resolve("b.jar"));
        Files.createFile(lib.resolve("a.jar"));
        Files.createFile(lib.resolve("notes.txt"));
        AppClassPath cp = AppClassPath.forMainClass("lib/*", null, null, cwd);
        assertThat(cp.entries()).containsExactly(lib.resolve("a.jar"), lib.resolve("b.jar"));
    }

    @Test
    void duplicatesAndEmptyEntriesAreDropped(@TempDir Path cwd) {
        AppClassPath cp = AppClassPath.forMainClass(paths("a", "", "a"), null, "a", cwd);
        assertThat(cp.entries()).containsExactly(cwd.resolve("a"));
    }

    @Test
    void missingEntriesAreMarkedInDescriptions(@TempDir Path cwd) {
        AppClassPath cp = AppClassPath.forMainClass("gone", null, null, cwd);
        assertThat(cp.describe()).isEqualTo(cwd.resolve("gone") + " (missing)");
    }

    @Test
    void jarGivesItsMainClassAndManifestClassPath(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("app.jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "com.example.Main");
        mf.getMainAttributes().put(Attributes.Name.CLASS_PATH, "lib/dep.jar lib/with%20space.jar");
        new JarOutputStream(Files.newOutputStream(jar), mf).close();
        AppClassPath.JarApplication app = AppClassPath.forJar("app.jar", "bundled.jar", dir);
        assertThat(app.mainClass).isEqualTo("com.example.Main");
        assertThat(app.classPath.entries()).containsExactly(jar, dir.resolve("lib/dep.jar"),
                dir.resolve("lib/with space.jar"), dir.resolve("bundled.jar"));
    }
}
