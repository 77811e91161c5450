package dev.cohort.codec;

import com.esotericsoftware.kryo.io.Output;
import dev.cohort.CohortException;
import dev.cohort.codec.testmodel.Color;
import dev.cohort.codec.testmodel.Point;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Classes named in messages are resolved with the codec's class loader (one per rank), and refused ones are never loaded. */
class KryoCodecClassLoaderTest {
    private static final String MODEL = "dev.cohort.codec.testmodel";
    private static final CodecPolicy POLICY = CodecPolicy.builder().allowPackage(MODEL).build();

    /** Loads the test model classes itself from the test classes directory; everything else from its parent. */
    static final class ModelLoader extends URLClassLoader {
        ModelLoader() {
            super(new URL[] {Point.class.getProtectionDomain().getCodeSource().getLocation()},
                    KryoCodecClassLoaderTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(MODEL + ".")) return super.loadClass(name, resolve);
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) c = findClass(name);
                if (resolve) resolveClass(c);
                return c;
            }
        }
    }

    @Test
    void decodingResolvesClassesInTheCodecsLoader() throws Exception {
        KryoCodec sender = new KryoCodec(POLICY, null);
        byte[] bytes = sender.encode(List.of(new Point(3, 4), Color.GREEN));

        try (ModelLoader loader = new ModelLoader()) {
            KryoCodec rank = new KryoCodec(POLICY, loader);
            List<?> back = (List<?>) rank.decode(bytes, 0, bytes.length);
            Object point = back.get(0);
            assertThat(point.getClass().getName()).isEqualTo(Point.class.getName());
            assertThat(point.getClass()).isNotEqualTo(Point.class);
            assertThat(point.getClass().getClassLoader()).isSameAs(loader);
            assertThat(point.getClass().getMethod("x").invoke(point)).isEqualTo(3);
            assertThat(point.getClass().getMethod("y").invoke(point)).isEqualTo(4);
            assertThat(back.get(1).getClass().getClassLoader()).isSameAs(loader);
            assertThat(back.get(1)).hasToString("GREEN");

            // and the rank can send its own classes back to a codec on the application loader
            byte[] reply = rank.encode(point);
            assertThat(sender.decode(reply, 0, reply.length)).isEqualTo(new Point(3, 4));
        }
    }

    /** Records which classes it was asked for. */
    static final class RecordingLoader extends ClassLoader {
        final Set<String> requested = ConcurrentHashMap.newKeySet();

        RecordingLoader() {
            super(KryoCodecClassLoaderTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            requested.add(name);
            return super.loadClass(name, resolve);
        }
    }

    @Test
    void refusedClassesAreNeverLoaded() {
        Output out = new Output(64, -1);
        out.writeVarInt(1, true); // a class by name
        out.writeVarInt(0, true); // name ID 0
        out.writeString("dev.cohort.codec.untrusted.Gadget");
        out.writeVarInt(1, true);
        byte[] bytes = out.toBytes();

        RecordingLoader loader = new RecordingLoader();
        KryoCodec codec = new KryoCodec(POLICY, loader);
        assertThatThrownBy(() -> codec.decode(bytes, 0, bytes.length)).isInstanceOf(CohortException.class)
                .hasMessageContaining("dev.cohort.codec.untrusted.Gadget");
        assertThat(loader.requested).doesNotContain("dev.cohort.codec.untrusted.Gadget");

        // an allowed class named the same way is loaded through that loader
        byte[] point = new KryoCodec(POLICY, null).encode(new Point(1, 2));
        assertThat(codec.decode(point, 0, point.length)).isEqualTo(new Point(1, 2));
        assertThat(loader.requested).contains(Point.class.getName());
    }
}
